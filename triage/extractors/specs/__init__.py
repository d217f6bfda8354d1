"""The rules engine's finding codes, one declarative spec each: which blocks it reads, its
triggers, its value parser, and the ConText scope rules that void or flip a mention.

Adding a finding code means adding a spec (in the module of its kind) and registering it in
`registry.SPECS`; the engine in triage.extractors.rules runs every spec over every sentence of
every block the spec reads, and settles each code's candidates into findings.

- `reading`: what a spec sees (a sentence of a block, with the document's facts) and what it
  yields (candidates); the Spec itself.
- `blanking`: names of laws and documents, and quotations, blanked so that no trigger fires
  inside them.
- `scope`: the shared ConText rules (negated, hedged, historic, generic, another subject).
- `kinds`, `subjects`: kinds of building, and who a clause is about (the site or another).
- `constraints`, `yes_no`, `numbers`, `policies`, `forms`: the readers and specs of each kind
  of finding; `settlers`: the shared ways of settling a code's candidates into findings.
- `registry`: every spec, in order, and `settle`.

Scope is decided at three levels, in this order:
1. the block (triage.structure): a form's questions, guidance and tick boxes, quotations,
   planning histories, methodologies and appendices never state a fact about the site; the
   building's past never states a fact about the proposal;
2. the clause (triage.extractors.context): negated, hedged, historic, generic, or about another
   building or the wider area;
3. the value parser: "five storeys" of the existing building, "18 metres or 7 storeys" as a
   threshold, "9 affordable" of 86 homes.
"""
