"""Drawings as data: strokes and their sequence forms, packs of many drawings in flat
arrays, every face file format read and written, procedural faces, the distance between two
drawings, rendering, and `model_input`, the one road by which any drawing reaches the model.
Imports only core.base."""
