"""Offline training and evaluation of zhkg's own spaCy Chinese NER model (its benchmark is `benchmarks/ner.py`).

The shipped pipeline lives in ``ner/model``; everything here rebuilds or measures it from the public
corpora in ``../shared/corpora`` (never copied into the repository).
"""
