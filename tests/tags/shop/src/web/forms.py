"""Order forms.

The words below are documentation, not a tag, because they sit in a string:
# polic: implements input-validation
"""

BANNER = "# polic: implements security-headers"


# polic: implements input-validation.server-side, input-validation.schema
def parse_order(form):
    if set(form) - {"sku", "quantity"}:
        raise ValueError("unknown field")
    return {"sku": str(form["sku"]), "quantity": int(form["quantity"])}


def unrelated():
    return None
