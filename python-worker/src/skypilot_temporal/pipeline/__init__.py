"""The pipeline as data: the input validated into a plan, the step graph with its sweeps
expanded, the repository's pipeline file. Pure and deterministic, since workflow code
runs it. May import contract and v1: the workflows import this layer, so their rule
(no ops, no I/O library) holds here too.
"""
