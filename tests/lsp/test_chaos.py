"""Chaos (issue 23): the real `polic lsp` under traffic no editor sends on a good day. Bogus
and huge frames go over a raw pipe; 500 rapid edits with cancellations, a deeply nested
document and positions out of range go through pytest-lsp. The server stays up, and its
final diagnostics are what `polic check --format json` says of the final text."""

import asyncio
import json
import os
import pathlib
import random
import subprocess

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInternalError
from pytest_lsp import ClientServerConfig, LanguageClient

POLIC = os.environ["POLIC"]

# A small clean policy; the tests break it.
POLICY = """import std.iso27001

facts { internet: bool = false, tier: low | high = low }

archetype service "Service" {}

control tls "TLS everywhere" {
  satisfies iso27001#A.8.24
  applies-to service when internet and tier == high
  phase build
  obligation configured "TLS is configured"
}

app shop "Shop" { archetype service; internet = true; tier = high }
"""

# How long a single answer may take in a debug build on a loaded machine.
PATIENCE = 60

SEVERITIES = {"error": 1, "warning": 2, "hint": 4}

FORMATTING = types.FormattingOptions(tab_size=2, insert_spaces=True)


def utf16_position(text: str, offset: int) -> types.Position:
    """The UTF-16 position of a character offset."""
    line = text.count("\n", 0, offset)
    start = text.rfind("\n", 0, offset) + 1
    return types.Position(line=line, character=len(text[start:offset].encode("utf-16-le")) // 2)


def clamped_offset(text: str, position: types.Position) -> int:
    """The character offset the server takes a position to mean (lsp/src/convert.rs): a line
    past the end is the end of the text, a character past the end of its line the line's
    end, a position inside a surrogate pair the character it splits."""
    lines = text.split("\n")
    if position.line >= len(lines):
        return len(text)
    start = sum(len(line) + 1 for line in lines[: position.line])
    units = 0
    for i, char in enumerate(lines[position.line]):
        width = len(char.encode("utf-16-le")) // 2
        if units + width > position.character:
            return start + i
        units += width
    return start + len(lines[position.line])


def checked(text: str, folder: pathlib.Path) -> list[tuple]:
    """What `polic check --format json` reports on a workspace of one file holding `text`,
    as (code, severity, range, message) with UTF-16 positions."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "policy.polic").write_text(text, encoding="utf-8", newline="")
    result = subprocess.run(
        [POLIC, "check", "--format", "json", str(folder)], capture_output=True, check=False
    )
    assert result.returncode in (0, 1), result.stderr.decode()
    encoded = text.encode("utf-8")
    out = []
    for d in json.loads(result.stdout):
        assert d["location"]["file"].endswith("policy.polic"), d
        start = len(encoded[: d["location"]["start"]].decode("utf-8"))
        end = len(encoded[: d["location"]["end"]].decode("utf-8"))
        at = (utf16_position(text, start), utf16_position(text, end))
        out.append((d["code"], SEVERITIES[d["severity"]], at, d["message"]))
    return sorted(out, key=repr)


def published(diagnostics: list[types.Diagnostic]) -> list[tuple]:
    """Published diagnostics as `checked` lists them: the first line of the message is the
    diagnostic's own (label, notes and help follow it)."""
    out = [
        (d.code, int(d.severity), (d.range.start, d.range.end), d.message.split("\n")[0])
        for d in diagnostics
    ]
    return sorted(out, key=repr)


async def settles_on(client: LanguageClient, uri: str, expected: list[tuple]):
    """Waits until the diagnostics last published for `uri` are `expected`. The server
    publishes versions in order, the edited document's own diagnostics first and the whole
    workspace's check after them, so what it last publishes is the final text's."""

    async def wait():
        while published(client.diagnostics.get(uri, [])) != expected:
            await asyncio.sleep(0.1)

    try:
        await asyncio.wait_for(wait(), PATIENCE)
    except TimeoutError:
        pass
    assert published(client.diagnostics.get(uri, [])) == expected


@pytest.fixture
def workspace(tmp_path: pathlib.Path) -> pathlib.Path:
    folder = tmp_path / "workspace"
    folder.mkdir()
    (folder / "policy.polic").write_text(POLICY, encoding="utf-8")
    return folder


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[POLIC, "lsp"]))
async def client(lsp_client: LanguageClient, workspace: pathlib.Path):
    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register_capability(params: types.RegistrationParams):
        return None

    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=pytest_lsp.client_capabilities("visual-studio-code"),
            root_uri=workspace.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=workspace.as_uri(), name="chaos")],
            initialization_options={"diagnosticsDelayMs": 0},
        )
    )
    yield
    await lsp_client.shutdown_session()
    # The server survived everything and stops on its own, successfully.
    assert lsp_client._server is not None
    assert lsp_client._server.returncode == 0


def open_policy(client: LanguageClient, workspace: pathlib.Path, text: str) -> str:
    uri = (workspace / "policy.polic").as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="polic", version=1, text=text)
        )
    )
    return uri


def edit(client: LanguageClient, uri: str, version: int, start, end, text: str):
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(start=start, end=end), text=text
                )
            ],
        )
    )


# Words the rapid edits type: names that exist and names that do not, keywords, braces,
# a string, and characters outside the BMP (two UTF-16 units each).
WORDS = ["servise", "service", "internet", "tier", " high", "low", "{", "}", "\n", " and ",
         " or ", "not ", "control", "app ", '"x"', "😀", "é", "iso27001#A.8.25", "=", ";"]


async def test_500_rapid_edits_with_cancellations(client: LanguageClient, workspace, tmp_path):
    rng = random.Random(23)
    text = POLICY
    uri = open_policy(client, workspace, text)
    pending = []
    for version in range(2, 502):
        # Replace a short stretch anywhere (at a character, never inside a surrogate pair)
        # by a word, or delete it.
        start = rng.randrange(len(text) + 1)
        end = min(len(text), start + rng.randrange(4))
        word = rng.choice(WORDS) if rng.random() < 0.7 else ""
        edit(client, uri, version, utf16_position(text, start), utf16_position(text, end), word)
        text = text[:start] + word + text[end:]
        # A request after every edit, half of them cancelled at once.
        position = utf16_position(text, rng.randrange(len(text) + 1))
        document = types.TextDocumentIdentifier(uri=uri)
        method, params = [
            (
                types.TEXT_DOCUMENT_HOVER,
                types.HoverParams(text_document=document, position=position),
            ),
            (
                types.TEXT_DOCUMENT_COMPLETION,
                types.CompletionParams(text_document=document, position=position),
            ),
            (
                types.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL,
                types.SemanticTokensParams(text_document=document),
            ),
        ][version % 3]
        pending.append(client.protocol.send_request_async(method, params, msg_id=version))
        if version % 2 == 0:
            client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id=version))
    # Every request is answered (a result, or an error for a cancelled or outdated one);
    # none is left hanging.
    answers = await asyncio.wait_for(asyncio.gather(*pending, return_exceptions=True), PATIENCE)
    # Only cancelled and outdated requests fail (how many depends on timing: a request can
    # be answered before its cancellation arrives).
    errors = [repr(a) for a in answers if isinstance(a, BaseException)]
    assert all("RequestCancelled" in e or "ContentModified" in e for e in errors), errors
    await settles_on(client, uri, checked(text, tmp_path / "final"))


async def test_a_deeply_nested_document(client: LanguageClient, workspace, tmp_path):
    depth = 20_000
    condition = "(" * depth + "internet" + ")" * depth
    text = POLICY.replace("when internet and tier == high", f"when {condition}")
    text += "app deep " + "{ " * depth + "}" * depth + "\n"
    uri = open_policy(client, workspace, text)
    expected = checked(text, tmp_path / "final")
    assert expected, "nesting this deep is reported"
    await settles_on(client, uri, expected)
    document = types.TextDocumentIdentifier(uri=uri)
    deepest = utf16_position(text, text.index("internet)"))
    hover = client.text_document_hover_async(
        types.HoverParams(text_document=document, position=deepest)
    )
    await asyncio.wait_for(hover, PATIENCE)
    symbols = client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=document)
    )
    await asyncio.wait_for(symbols, PATIENCE)
    # Formatting refuses a file with syntax errors, saying so.
    formatting = client.text_document_formatting_async(
        types.DocumentFormattingParams(text_document=document, options=FORMATTING)
    )
    with pytest.raises(JsonRpcException, match="not formatted"):
        await asyncio.wait_for(formatting, PATIENCE)


async def test_out_of_range_positions(client: LanguageClient, workspace, tmp_path):
    text = POLICY
    uri = open_policy(client, workspace, text)
    document = types.TextDocumentIdentifier(uri=uri)
    far = [
        types.Position(line=10**6, character=0),
        types.Position(line=0, character=10**6),
        types.Position(line=2**31 - 1, character=2**31 - 1),
        types.Position(line=len(text.split("\n")) - 1, character=5),
    ]
    for position in far:
        requests = [
            client.text_document_hover_async(
                types.HoverParams(text_document=document, position=position)
            ),
            client.text_document_definition_async(
                types.DefinitionParams(text_document=document, position=position)
            ),
            client.text_document_completion_async(
                types.CompletionParams(text_document=document, position=position)
            ),
            client.text_document_references_async(
                types.ReferenceParams(
                    text_document=document,
                    position=position,
                    context=types.ReferenceContext(include_declaration=True),
                )
            ),
            client.text_document_prepare_rename_async(
                types.PrepareRenameParams(text_document=document, position=position)
            ),
            client.text_document_document_highlight_async(
                types.DocumentHighlightParams(text_document=document, position=position)
            ),
            client.text_document_selection_range_async(
                types.SelectionRangeParams(text_document=document, positions=[position])
            ),
            client.text_document_range_formatting_async(
                types.DocumentRangeFormattingParams(
                    text_document=document,
                    range=types.Range(start=position, end=far[0]),
                    options=FORMATTING,
                )
            ),
            client.text_document_inlay_hint_async(
                types.InlayHintParams(
                    text_document=document, range=types.Range(start=far[1], end=position)
                )
            ),
        ]
        # Each is answered: a position past the end means the end. An answer may be an
        # error the request defines (nothing to rename there), never a failure.
        answers = await asyncio.wait_for(
            asyncio.gather(*requests, return_exceptions=True), PATIENCE
        )
        failures = [a for a in answers if isinstance(a, (JsonRpcInternalError, TimeoutError))]
        assert not failures, (position, failures)
    # Edits out of range: past the last line (appended), past a line's end (at its end),
    # reversed (the same range), and in the middle of a surrogate pair.
    edits = [
        ((10**6, 0), (10**6, 9), "\n// appended\n"),
        ((0, 10**6), (0, 10**6), " // first line"),
        ((2, 8), (2, 0), "facts"),
        ((0, 0), (0, 0), "// 😀\n"),
        ((0, 4), (0, 4), "x"),
    ]
    for version, (start, end, new) in enumerate(edits, start=2):
        start = types.Position(line=start[0], character=start[1])
        end = types.Position(line=end[0], character=end[1])
        edit(client, uri, version, start, end, new)
        first, last = sorted([clamped_offset(text, start), clamped_offset(text, end)])
        text = text[:first] + new + text[last:]
    await settles_on(client, uri, checked(text, tmp_path / "final"))


# Raw frames: below what any client library would send.


class Raw:
    """`polic lsp` on a pipe, written to byte by byte."""

    def __init__(self, process: asyncio.subprocess.Process):
        self.process = process

    @classmethod
    async def start(cls, folder: pathlib.Path) -> "Raw":
        process = await asyncio.create_subprocess_exec(
            POLIC, "lsp", stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, cwd=folder,
        )
        raw = cls(process)
        await raw.send({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
            "processId": None, "rootUri": folder.as_uri(), "capabilities": {},
            "initializationOptions": {"diagnosticsDelayMs": 0},
        }})
        assert "capabilities" in (await raw.answer(0))["result"]
        await raw.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
        return raw

    async def write(self, data: bytes):
        self.process.stdin.write(data)
        await self.process.stdin.drain()

    async def send(self, message: dict, headers: bytes = b""):
        body = json.dumps(message).encode()
        await self.write(headers + b"Content-Length: %d\r\n\r\n" % len(body) + body)

    async def read(self) -> dict:
        length = None
        while True:
            line = await asyncio.wait_for(self.process.stdout.readline(), PATIENCE)
            assert line, "the server closed its output"
            line = line.strip()
            if not line:
                break
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
        return json.loads(await self.process.stdout.readexactly(length))

    async def answer(self, id) -> dict:
        """The response to request `id`, answering the server's own requests meanwhile."""
        while True:
            message = await self.read()
            if "method" in message and "id" in message:
                await self.send({"jsonrpc": "2.0", "id": message["id"], "result": None})
            elif "method" not in message and message.get("id") == id:
                return message

    async def exit_code(self) -> int:
        return await asyncio.wait_for(self.process.wait(), PATIENCE)


async def test_bogus_frames_are_answered_with_errors_and_the_session_goes_on(workspace):
    raw = await Raw.start(workspace)
    # Not JSON; JSON but no JSON-RPC message; a batch (not supported by LSP); no length.
    await raw.write(b"Content-Length: 5\r\n\r\n{nope")
    assert (await raw.answer(None))["error"]["code"] == -32700
    await raw.write(b'Content-Length: 24\r\n\r\n{"id":7,"jsonrpc":"1.0"}')
    assert (await raw.answer(7))["error"]["code"] == -32600
    await raw.write(b"Content-Length: 2\r\n\r\n[]")
    assert (await raw.answer(None))["error"]["code"] == -32600
    await raw.write(b"Content-Type: application/vscode-jsonrpc\r\n\r\n")
    assert (await raw.answer(None))["error"]["code"] == -32700
    await raw.write(b"Content-Length: many\r\n\r\n")
    assert (await raw.answer(None))["error"]["code"] == -32700
    # Blank lines between messages, other headers, a lowercase header name.
    body = json.dumps({"jsonrpc": "2.0", "id": 8, "method": "no/such/method"}).encode()
    await raw.write(b"\r\n\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n"
                    b"content-length: %d\r\n\r\n" % len(body) + body)
    assert (await raw.answer(8))["error"]["code"] == -32601
    # A request whose parameters are of the wrong shape.
    await raw.send({"jsonrpc": "2.0", "id": 9, "method": "textDocument/hover", "params": "x"})
    assert (await raw.answer(9))["error"]["code"] == -32602
    # The session goes on: a document is opened, hovered and the server shuts down cleanly.
    uri = (workspace / "policy.polic").as_uri()
    await raw.send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
        "textDocument": {"uri": uri, "languageId": "polic", "version": 1, "text": POLICY}}})
    position = utf16_position(POLICY, POLICY.index("tls"))
    await raw.send({"jsonrpc": "2.0", "id": 10, "method": "textDocument/hover", "params": {
        "textDocument": {"uri": uri},
        "position": {"line": position.line, "character": position.character}}})
    assert "`tls`" in (await raw.answer(10))["result"]["contents"]["value"]
    await raw.send({"jsonrpc": "2.0", "id": 11, "method": "shutdown"})
    assert (await raw.answer(11))["result"] is None
    await raw.send({"jsonrpc": "2.0", "method": "exit"})
    assert await raw.exit_code() == 0


async def test_a_huge_message_is_read_and_the_session_goes_on(workspace):
    raw = await Raw.start(workspace)
    # 16 MiB of comments in front of the policy: far above a real document, under the limit.
    text = "// padding padding padding padding padding padding padding padding\n" * 250_000
    text += POLICY
    uri = (workspace / "policy.polic").as_uri()
    await raw.send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
        "textDocument": {"uri": uri, "languageId": "polic", "version": 1, "text": text}}})
    position = utf16_position(text, text.index("tls"))
    await raw.send({"jsonrpc": "2.0", "id": 1, "method": "textDocument/hover", "params": {
        "textDocument": {"uri": uri},
        "position": {"line": position.line, "character": position.character}}})
    assert "`tls`" in (await raw.answer(1))["result"]["contents"]["value"]
    await raw.send({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
    await raw.answer(2)
    await raw.send({"jsonrpc": "2.0", "method": "exit"})
    assert await raw.exit_code() == 0


@pytest.mark.parametrize(
    "frame",
    [
        # A length over the 64 MiB limit: the server must neither allocate nor wait for it.
        b"Content-Length: 67108865\r\n\r\n{}",
        b"Content-Length: 18446744073709551615\r\n\r\n{}",
        # A header line without end.
        b"x" * (1 << 20),
    ],
    ids=["over-the-limit", "u64-max", "endless-header"],
)
async def test_an_unframeable_stream_ends_the_session_with_exit_1(workspace, frame):
    raw = await Raw.start(workspace)
    try:
        await raw.write(frame)
    except (BrokenPipeError, ConnectionResetError):
        pass  # The server stopped reading before the end of the line, as it should.
    assert await raw.exit_code() == 1
    stderr = await raw.process.stderr.read()
    assert b"ending the session" in stderr, stderr
