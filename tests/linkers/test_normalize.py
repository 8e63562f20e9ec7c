from nieuwsstroom.linkers.normalize import fold, is_acronym, normalize_alias


def test_fold_keeps_length_so_offsets_carry_over():
    for text in ["Oekraïne-update", "Erdoğan", "İstanbul", "Rutte’s", "Tsjechië — België", "ß"]:
        assert len(fold(text)) == len(text)


def test_fold_strips_accents_and_case_and_unifies_dashes():
    assert fold("Erdoğan") == "erdogan"
    assert fold("VN-Veiligheidsraad") == "vn veiligheidsraad"
    assert normalize_alias("  Den   Haag ") == "den haag"


def test_acronyms():
    assert is_acronym("EU") and is_acronym("AIVD") and is_acronym("MH17")
    assert not is_acronym("Eu") and not is_acronym("E") and not is_acronym("7G")
