"""End-to-end: the audit chain in the editor on examples/acme, with the real `polic lsp`:
rename and references through `polic:` tags in code that is not open, the code lens's
command, clause completion by title, document highlights and selection ranges."""

from lsprotocol import types
from pytest_lsp import LanguageClient

from test_acme import ACME, CONTROLS, client, open_document, position_of  # noqa: F401

CHECKOUT = ACME / "services" / "checkout-web" / "src" / "checkout.ts"


async def test_references_and_rename_reach_tags_in_unopened_code(client: LanguageClient):
    uri, text = open_document(client, CONTROLS, "polic")
    at = position_of(text, "control input-validation", len("control "))
    document = types.TextDocumentIdentifier(uri=uri)
    references = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=document, position=at, context=types.ReferenceContext(include_declaration=False)
        )
    )
    assert CHECKOUT.as_uri() in {r.uri for r in references or []}
    edit = await client.text_document_rename_async(
        types.RenameParams(text_document=document, position=at, new_name="validate-input")
    )
    assert edit is not None
    edited = {change.text_document.uri for change in edit.document_changes or []}
    assert CHECKOUT.as_uri() in edited, edited


async def test_the_lens_shows_the_apps_and_completion_finds_titles(client: LanguageClient):
    uri, text = open_document(client, CONTROLS, "polic")
    document = types.TextDocumentIdentifier(uri=uri)
    lenses = await client.text_document_code_lens_async(types.CodeLensParams(text_document=document))
    commands = [lens.command for lens in lenses or [] if lens.command and lens.command.arguments]
    assert commands, lenses
    assert commands[0].command == "polic.showReferences"
    assert all(location["uri"].startswith("file://") for location in commands[0].arguments[2])

    # Typing a clause's title after `iso27001#` finds it.
    old = "satisfies "
    line = position_of(text, old, len(old))
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(range=types.Range(start=line, end=line), text="iso27001#crypto, ")
            ],
        )
    )
    cursor = types.Position(line=line.line, character=line.character + len("iso27001#crypto"))
    completion = await client.text_document_completion_async(
        types.CompletionParams(text_document=document, position=cursor)
    )
    assert completion is not None
    items = completion.items if isinstance(completion, types.CompletionList) else completion
    assert items[0].label == "A.8.24", [i.label for i in items]
    assert "crypto" in (items[0].filter_text or "").lower()


async def test_highlights_and_selection_ranges(client: LanguageClient):
    uri, text = open_document(client, CONTROLS, "polic")
    document = types.TextDocumentIdentifier(uri=uri)
    at = position_of(text, "nist80053#si-10", len("nist80053#"))
    highlights = await client.text_document_document_highlight_async(
        types.DocumentHighlightParams(text_document=document, position=at)
    )
    assert highlights and all(h.kind == types.DocumentHighlightKind.Read for h in highlights)
    ranges = await client.text_document_selection_range_async(
        types.SelectionRangeParams(text_document=document, positions=[at])
    )
    assert ranges
    depth, current = 0, ranges[0]
    while current is not None:
        depth, current = depth + 1, current.parent
    assert depth >= 3
