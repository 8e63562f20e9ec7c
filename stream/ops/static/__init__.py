"""The dashboard's HTML, JS and CSS (package data; a package so setuptools ships them)."""
