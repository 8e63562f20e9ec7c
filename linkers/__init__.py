"""Entity linking of Dutch news text to Wikidata (no Kafka, no Faust in here)."""
