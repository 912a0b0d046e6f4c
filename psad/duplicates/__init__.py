"""Probable duplicates within a PSAD, « pas un doublon », and the merge of two files."""
