"""End-to-end: the real `polic lsp` binary over stdio, driven by pytest-lsp (a client that
knows nothing of polic), on the example organisation in examples/acme."""

import os
import pathlib

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

ROOT = pathlib.Path(__file__).resolve().parents[2]
ACME = ROOT / "examples" / "acme"
CONTROLS = ACME / "controls" / "appsec.polic"


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[os.environ["POLIC"], "lsp"]))
async def client(lsp_client: LanguageClient):
    # Accept the server's file-watcher registration, as an editor does.
    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register_capability(params: types.RegistrationParams):
        return None

    await lsp_client.initialize_session(
        types.InitializeParams(
            # What VS Code announces: UTF-16 positions, dynamic file watching, ...
            capabilities=pytest_lsp.client_capabilities("visual-studio-code"),
            root_uri=ACME.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=ACME.as_uri(), name="acme")],
        )
    )
    yield
    await lsp_client.shutdown_session()
    # After `shutdown` and `exit`, the server stops on its own, successfully.
    assert lsp_client._server is not None
    assert lsp_client._server.returncode == 0


async def diagnostics(client: LanguageClient, uri: str, version: int):
    """The diagnostics published for a document at a version."""
    while True:
        params = await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        if params.uri == uri and params.version == version:
            return list(params.diagnostics)


def position_of(text: str, needle: str, delta: int = 0) -> types.Position:
    """The UTF-16 position of `needle` (plus `delta` characters) in `text`."""
    offset = text.index(needle) + delta
    line = text.count("\n", 0, offset)
    start = text.rfind("\n", 0, offset) + 1
    return types.Position(line=line, character=len(text[start:offset].encode("utf-16-le")) // 2)


def open_document(client: LanguageClient, path: pathlib.Path, language: str) -> tuple[str, str]:
    """Opens a file as version 1; its URI and text."""
    uri = path.as_uri()
    text = path.read_text(encoding="utf-8")
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id=language, version=1, text=text)
        )
    )
    return uri, text


async def hover_markdown(client: LanguageClient, uri: str, position: types.Position) -> str:
    """The hover's Markdown at a position; fails if there is none."""
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=position)
    )
    assert hover is not None
    return hover.contents.value


async def test_open_hover_and_edit_the_example(client: LanguageClient):
    uri, text = open_document(client, CONTROLS, "polic")
    # The example is clean.
    assert await diagnostics(client, uri, 1) == []

    # A control's hover traces it to every clause it satisfies.
    markdown = await hover_markdown(
        client, uri, position_of(text, "control input-validation", len("control "))
    )
    assert "**control** `input-validation`" in markdown
    for clause in ["nist80053#si-10", "iso27001#A.8.28", "asvs5#V2.2.1", "asvs5#V2.2.2"]:
        assert f"`{clause}`" in markdown, markdown

    # An edit that misspells an archetype is reported on the edited document's version.
    old = "applies-to service, mobile-app"
    start = position_of(text, old, len("applies-to "))
    end = position_of(text, old, len("applies-to service"))
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(range=types.Range(start=start, end=end), text="servise")
            ],
        )
    )
    reported = await diagnostics(client, uri, 2)
    assert [(d.code, d.range.start) for d in reported] == [("P0105", start)]
    assert reported[0].message.startswith("unknown archetype `servise`")
    assert "did you mean `service`?" in reported[0].message


async def test_definition_reaches_the_standard_library(client: LanguageClient):
    uri = CONTROLS.as_uri()
    text = CONTROLS.read_text(encoding="utf-8")
    definition = await client.text_document_definition_async(
        types.DefinitionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=position_of(text, "nist80053#si-10", len("nist80053#")),
        )
    )
    assert definition is not None
    location = definition if isinstance(definition, types.Location) else definition[0]
    assert location.uri == "polic-stdlib:///nist80053.polic"
    stdlib = await client.protocol.send_request_async("polic/stdlib", {"uri": location.uri})
    assert "clause #si-10 " in stdlib.splitlines()[location.range.start.line]


async def test_a_tag_in_source_code_traces_its_control(client: LanguageClient):
    # The example's polic.toml says services/checkout-web is the code of app checkout-web.
    path = ACME / "services" / "checkout-web" / "src" / "checkout.ts"
    uri, text = open_document(client, path, "typescript")
    assert await diagnostics(client, uri, 1) == []
    markdown = await hover_markdown(
        client, uri, position_of(text, "implements input-validation", len("implements "))
    )
    assert "**control** `input-validation`" in markdown
    assert "`nist80053#si-10`" in markdown, markdown
    assert "belongs to app `checkout-web`, which must meet `input-validation`" in markdown
