from web.forms import parse_order


# polic: tests input-validation
def test_unknown_fields_are_rejected():
    try:
        parse_order({"sku": "a", "quantity": 1, "admin": True})
    except ValueError:
        return
    raise AssertionError("accepted an unknown field")
