"""`python -m zhkg.ner.lexicons` rebuilds `ner/data/` from the public corpora."""

from zhkg.ner.lexicons import main

main()
