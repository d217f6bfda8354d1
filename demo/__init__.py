"""Demo data for the two demo councils: real places from the loaded constraint layers, made-up
applications on them, and text documents written for each, all submitted through the planning
services so the timeline and triage are real. `seed_demo` is the entry point.

- `places`: sites inside and outside the councils' layers, and addresses for them;
- `proposals`: application types, descriptions and figures;
- `documents`: the statements and plans, as text;
- `seeding`: the plan for each council and the calls to the services.
"""
