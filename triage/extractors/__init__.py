"""Extraction engines: one interface (base.Extractor), two engines (rules, llm)."""
