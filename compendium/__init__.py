"""Search and cited answers over the ILO compendium of SSTC good practices in the SSE.

The data flows one way, one module a step:

    files -> ingest (text_reader | pdf_reader -> parser -> cleaning) -> Document/Card/Section
          -> chunker -> Chunk -> indexing (analyzer, bm25, embedder, vectors) -> index folder
          -> searcher (fusion) -> Hit -> answer -> Answer -> cli / webapp

Importing the package is cheap: models, indexes and heavy libraries load only when used.
"""
