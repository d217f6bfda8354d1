"""How long an answer can be, read from the JSON schema it must match.

Every string, array and number in the schemas we send is bounded (triage.schemas), so the
longest answer that can match a schema is known. Sending that as `max_tokens` means a server
that enforces the schema (vLLM's constrained decoding) never cuts a well-formed answer off,
while a model that loops stops where no valid answer could still be going.

Counted in characters of compact JSON, taken as tokens: a byte-level tokenizer never needs
more than one token for an ASCII character, and constrained output in our schemas is ASCII
apart from quoted text. A quote full of non-ASCII characters or escapes can still exceed it;
the answer is then cut off and the chunk split (triage.extractors.llm).
"""

import json

# The end-of-sequence token, and a little slack for a tokenizer that splits a key oddly.
SLACK_TOKENS = 16


class UnboundedSchema(ValueError):
    """A schema with a string or array without a bound: its answers could be endless."""


def worst_case_chars(schema: dict) -> int:
    """The most characters compact JSON matching `schema` can have."""
    if "enum" in schema:
        return max(len(json.dumps(value)) for value in schema["enum"])
    if "const" in schema:
        return len(json.dumps(schema["const"]))
    if "anyOf" in schema:
        return max(worst_case_chars(option) for option in schema["anyOf"])
    kind = schema.get("type")
    if kind == "object":
        properties = schema.get("properties", {})
        members = [
            len(json.dumps(key)) + 1 + worst_case_chars(value) for key, value in properties.items()
        ]
        return 2 + sum(members) + max(len(members) - 1, 0)
    if kind == "array":
        if "maxItems" not in schema:
            raise UnboundedSchema("an array without maxItems")
        items = schema["maxItems"]
        return 2 + items * worst_case_chars(schema.get("items", {})) + max(items - 1, 0)
    if kind == "string":
        if "maxLength" not in schema:
            raise UnboundedSchema("a string without maxLength, enum or const")
        return 2 + schema["maxLength"]
    if kind == "integer":
        if "minimum" in schema and "maximum" in schema:
            return max(len(str(schema["minimum"])), len(str(schema["maximum"])))
        return 20
    if kind == "number":
        return 24
    if kind == "boolean":
        return 5
    if kind == "null":
        return 4
    raise UnboundedSchema(f"a value of unknown type {kind!r}")


def max_tokens_for(schema: dict) -> int:
    """`max_tokens` for a request whose answer must match `schema`."""
    return worst_case_chars(schema) + SLACK_TOKENS


def with_max_items(schema: dict, path: tuple[str, ...], items: int) -> dict:
    """A copy of `schema` with the array at `path` (property names) limited to `items`."""
    copied = json.loads(json.dumps(schema))
    node = copied
    for name in path:
        node = node["properties"][name]
    node["maxItems"] = min(node["maxItems"], items)
    return copied


def items_that_fit(schema: dict, path: tuple[str, ...], tokens: int) -> int:
    """How many items the array at `path` may have for the worst-case answer to fit in
    `tokens` (0 when not even an empty array fits)."""
    empty = max_tokens_for(with_max_items(schema, path, 0))
    one = max_tokens_for(with_max_items(schema, path, 1))
    if tokens < empty:
        return 0
    per_item = one - empty + 1  # an item and the comma before it (the first has none)
    node = schema
    for name in path:
        node = node["properties"][name]
    return min(node["maxItems"], (tokens - empty + 1) // per_item)


def fit_answer(
    client, *, system: str, user: str, schema: dict, path: tuple[str, ...]
) -> tuple[dict, int, int]:
    """The schema with the array at `path` narrowed to what fits beside this prompt in the
    server's context (and under the client's output ceiling), its max_tokens, and the prompt's
    tokens. The array may be narrowed to no item: the caller then splits its prompt or gives
    up."""
    prompt = client.count_tokens(system=system, user=user)
    room = min(client.context_tokens() - prompt, client.max_output_tokens)
    fitted = with_max_items(schema, path, max(items_that_fit(schema, path, room), 0))
    return fitted, max_tokens_for(fitted), prompt
