-- Run by test.sh inside Neovim, with controls/appsec.polic open.
local failed = 0
local function check(name, ok, detail)
  if ok then
    io.stdout:write("ok - " .. name .. "\n")
  else
    failed = failed + 1
    io.stdout:write("FAILED - " .. name .. (detail and (": " .. tostring(detail)) or "") .. "\n")
  end
end

check("*.polic is the polic filetype", vim.bo.filetype == "polic", vim.bo.filetype)
check("comments are //", vim.bo.commentstring == "// %s", vim.bo.commentstring)
vim.fn.search("tls-in-transit\\|input-validation")
check("identifiers keep their dashes", vim.fn.expand("<cword>") == "input-validation", vim.fn.expand("<cword>"))

vim.cmd("edit polic-stdlib:///iso27001.polic")
local expected = vim.fn.readfile("../iso27001.expected")
local got = vim.api.nvim_buf_get_lines(0, 0, -1, false)
check("the standard library opens read-only", vim.bo.readonly and not vim.bo.modifiable)
check("with the module's text", vim.deep_equal(got, expected), #got .. " lines, expected " .. #expected)
check("as polic", vim.bo.filetype == "polic", vim.bo.filetype)

-- Whether the server attaches to the current buffer within ten seconds.
local function attaches()
  return vim.wait(10000, function()
    local get = vim.lsp.get_clients or vim.lsp.get_active_clients
    return #get({ bufnr = 0, name = "polic" }) > 0
  end)
end

-- The server's answer to `method` at the cursor, for the current buffer.
local function request_at_cursor(method)
  local pos = vim.api.nvim_win_get_cursor(0)
  local responses = vim.lsp.buf_request_sync(0, method, {
    textDocument = vim.lsp.util.make_text_document_params(),
    position = { line = pos[1] - 1, character = pos[2] },
  }, 10000)
  for _, r in pairs(responses or {}) do
    if r.result then return r.result end
  end
end

-- The hover at the cursor as text ("" for none).
local function hover_text()
  local result = request_at_cursor("textDocument/hover")
  return result and vim.inspect(result.contents) or ""
end

if vim.lsp.start then
  vim.cmd("edit controls/appsec.polic")
  local attached = attaches()
  check("polic lsp attaches", attached)
  if attached then
    -- On the clause part of the reference (its standard part leads to the standard).
    vim.fn.search("nist80053#\\zssi-10")
    local text = hover_text()
    check("and answers a hover on a clause reference", text:find("clause", 1, true) ~= nil, text)

    -- Go to definition of the clause: into the standard library, read through BufReadCmd.
    local definition = request_at_cursor("textDocument/definition")
    local location = definition and (definition[1] or definition)
    local uri = location and (location.uri or location.targetUri)
    check("go to definition leads into the standard library", uri == "polic-stdlib:///nist80053.polic", uri)
    if uri then
      vim.lsp.util.show_document(location, "utf-16", { focus = true })
      local line = vim.api.nvim_get_current_line()
      check("onto the clause", line:find("#si-10", 1, true) ~= nil, line)
    end
  end

  -- A code lens's command lists the apps a control applies to in the quickfix list.
  vim.cmd("edit controls/appsec.polic")
  local lenses = vim.lsp.buf_request_sync(0, "textDocument/codeLens", {
    textDocument = vim.lsp.util.make_text_document_params(),
  }, 10000)
  local lens
  for _, r in pairs(lenses or {}) do
    for _, l in ipairs(r.result or {}) do
      if not lens and l.command and l.command.command == "polic.showReferences" then
        lens = l
      end
    end
  end
  check("code lenses carry the show-references command", lens ~= nil, vim.inspect(lenses))
  local run = vim.lsp.commands["polic.showReferences"]
  check("polic.lua handles that command", type(run) == "function")
  if lens and run then
    local get = vim.lsp.get_clients or vim.lsp.get_active_clients
    local client = get({ bufnr = 0, name = "polic" })[1]
    run(lens.command, { client_id = client.id, bufnr = 0 })
    local items = vim.fn.getqflist()
    local first = items[1] and vim.api.nvim_buf_get_name(items[1].bufnr) or ""
    check(
      "which puts the lens's locations in the quickfix list",
      #items == #lens.command.arguments[3] and #items > 0 and first:find("%.polic$") ~= nil,
      #items .. " items, first " .. first
    )
    vim.cmd("cclose")
  end

  -- A tag in a TypeScript file: the server reads it and traces the control.
  vim.cmd("edit services/checkout-web/src/headers.ts")
  local tagged = attaches()
  local hover = ""
  if tagged then
    vim.fn.search("implements \\zssecurity-headers")
    hover = hover_text()
  end
  check("a tag in a source file traces its control", hover:find("control", 1, true) ~= nil, hover)
else
  io.stdout:write("skip - the language server needs Neovim 0.8+ (this is " .. tostring(vim.version().minor) .. ")\n")
end

local total = 6 + (vim.lsp.start and 8 or 0)
io.stdout:write(string.format("%d passed, %d failed\n", total - failed, failed))
vim.cmd(failed == 0 and "qa!" or "cquit!")
