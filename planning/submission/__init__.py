"""The verbs of submission: a council's system hands us an application (`applications`, its
payload in `payload`), then its documents (`documents`). Both are safe to retry."""
