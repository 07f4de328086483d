-- polic for Neovim: the `polic` filetype for *.polic files, comment and word settings, the
-- read-only standard-library documents (`polic-stdlib:///NAME.polic`, where go to definition
-- leads), and the polic language server (`polic lsp`).
--
-- Put this file in your config (e.g. ~/.config/nvim/plugin/polic.lua) or `require` it.
-- The language server needs Neovim 0.8 or newer (0.11 or newer: vim.lsp.config); the rest
-- works from 0.7. `polic` must be on PATH, or set `vim.g.polic_path`.

local polic = vim.g.polic_path or "polic"

-- Source files whose `polic:` tags the server reads (hover traces the control to its
-- clauses, go to definition, diagnostics, completion): set `vim.g.polic_source_filetypes`
-- to change the list, `{}` for none.
local source_filetypes = vim.g.polic_source_filetypes
  or {
    "c", "cpp", "cs", "go", "java", "javascript", "javascriptreact", "kotlin", "php", "python",
    "ruby", "rust", "scala", "sh", "sql", "swift", "terraform", "typescript", "typescriptreact",
    "yaml", "dockerfile", "html", "xml", "markdown",
  }
local filetypes = { "polic" }
vim.list_extend(filetypes, source_filetypes)

vim.filetype.add({ extension = { polic = "polic" } })

local group = vim.api.nvim_create_augroup("polic", { clear = true })

-- Neovim 0.7 reads vim.filetype.add only with g:do_filetype_lua set.
vim.api.nvim_create_autocmd({ "BufRead", "BufNewFile" }, {
  group = group,
  pattern = "*.polic",
  command = "setfiletype polic",
})

vim.api.nvim_create_autocmd("FileType", {
  group = group,
  pattern = "polic",
  callback = function(args)
    local bo = vim.bo[args.buf]
    bo.commentstring = "// %s"
    bo.comments = "s1:/*,mb:*,ex:*/,:///,://"
    bo.shiftwidth = 2
    bo.tabstop = 2
    bo.expandtab = true
    -- Identifiers keep their inner dashes: `tls-in-transit` is one word for `w` and `*`.
    vim.opt_local.iskeyword:append("-")
  end,
})

-- Standard-library modules are embedded in the polic binary: read them with
-- `polic stdlib NAME`, read-only.
vim.api.nvim_create_autocmd("BufReadCmd", {
  group = group,
  pattern = "polic-stdlib://*",
  callback = function(args)
    local module = args.match:match("^polic%-stdlib:///([%w_-]+)%.polic$")
    local lines = module and vim.fn.systemlist({ polic, "stdlib", module })
    if not module or vim.v.shell_error ~= 0 then
      lines = { "// cannot read " .. args.match .. ": " .. table.concat(lines or {}, " ") }
    end
    local bo = vim.bo[args.buf]
    bo.modifiable = true
    vim.api.nvim_buf_set_lines(args.buf, 0, -1, false, lines)
    bo.buftype = "nofile"
    bo.swapfile = false
    bo.modifiable = false
    bo.readonly = true
    bo.filetype = "polic"
  end,
})

-- The directory the server treats as the workspace: the repository's root, else the
-- file's own directory.
local function root(bufnr)
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name:match("^polic%-stdlib:") then
    return vim.fn.getcwd()
  end
  local found = vim.fs and vim.fs.find({ ".git" }, { upward = true, path = vim.fs.dirname(name) })[1]
  return found and vim.fs.dirname(found) or vim.fn.fnamemodify(name, ":p:h")
end

-- What `polic lsp` reads from initializationOptions (all optional).
local init_options = {
  -- diagnosticsBaseUrl = "https://example.org/polic/docs/diagnostics.md",
  diagnosticsDelayMs = 25,
}

-- The command of the server's code lenses ("applies to 5 archetypes, 6 apps", the controls
-- of a clause): its arguments are the document, the lens's position and the locations it
-- counts, which go to the quickfix list (as VS Code shows them in a peek).
vim.lsp.commands["polic.showReferences"] = function(command, ctx)
  local locations = command.arguments and command.arguments[3] or {}
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  local encoding = client and client.offset_encoding or "utf-16"
  vim.fn.setqflist({}, " ", {
    title = command.title,
    items = vim.lsp.util.locations_to_items(locations, encoding),
  })
  if #locations > 0 then
    vim.cmd("botright copen")
  end
end

if vim.lsp.config and vim.lsp.enable then
  -- Neovim 0.11+.
  vim.lsp.config("polic", {
    cmd = { polic, "lsp" },
    filetypes = filetypes,
    root_dir = function(bufnr, on_dir)
      on_dir(root(bufnr))
    end,
    init_options = init_options,
  })
  vim.lsp.enable("polic")
elseif vim.lsp.start then
  -- Neovim 0.8 to 0.10.
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = filetypes,
    callback = function(args)
      vim.lsp.start({
        name = "polic",
        cmd = { polic, "lsp" },
        root_dir = root(args.buf),
        init_options = init_options,
      }, { bufnr = args.buf })
    end,
  })
end
