"""A site's planning history: the earlier applications (and enforcement cases) on and around
it, read from councils' registers and from the decisions this service records.

- `sources`: each register format's field names and decision words, declared, not coded;
- `importers`: reading a file into records, with what was skipped and why, loaded atomically;
- `ours`: this service's own decisions joining the history as they are recorded;
- `lookup`: the history of a site, on it and nearby, newest first, with why each is listed.

(planning.history is something else: the admin's edit history of records.)
"""
