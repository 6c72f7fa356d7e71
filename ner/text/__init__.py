"""Text in: bytes decoded (`reading`), converter damage repaired and Traditional folded to Simplified
with a map back to the original offsets (`normalize`), and the date a document states (`dates`)."""
