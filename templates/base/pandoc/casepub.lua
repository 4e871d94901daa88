-- casepub: map the manuscript's semantic divs to each output format.
--   typst: a call of the function of the same name in template.typ (#cp-title[...])
--   docx:  a paragraph style (custom-style), defined in the reference document
--   html:  the classes stay, styled by casepub.css
-- It also refuses remote images (nothing may leave the machine at build time) and images
-- outside the build folder. pandoc runs with --sandbox, so its writers read no file: the
-- images of the build folder and the style sheet are handed to them through the media bag,
-- read here (filters are not sandboxed) after the path is checked.

local docx_styles = {
  ["article-type"] = "Article Type",
  ["title"] = "Title",
  ["byline"] = "Author",
  ["affiliations"] = "Affiliation",
  ["contact"] = "Contact",
  ["abstract"] = "Abstract",
  ["keywords"] = "Keywords",
  ["citation"] = "For Citation",
  ["statements"] = "Declarations",
  ["authors-info"] = "Author Information",
}

local function semantic_class(el)
  for _, class in ipairs(el.classes) do
    if docx_styles[class] or class == "front" then
      return class
    end
  end
  return nil
end

-- Whether the document is a manuscript (it has title blocks, `.front`: the casepub typst
-- template defines the cp-* functions the tables and figures are wrapped in) and whether its
-- body is set in two columns (the `.two-columns` div around it): read by a first pass over
-- the document, before the tables are laid out.
local manuscript = false
local two_columns = false

-- Characters of table text a column of a two-column page holds (7.5 pt, 8.15 cm), the whole
-- width of such a page holds, and a one-column page (9 pt, 17 cm); and what a table column
-- needs beyond its text (cell padding).
local COLUMN_CHARS = 64
local SPREAD_CHARS = 138
local PAGE_CHARS = 114
local PADDING_CHARS = 2
-- A cell of running text wraps; below about this many characters a column reads badly.
local WRAPPED_CHARS = 22
-- A column whose longest cell is at most this long (a date, a unit, a number) is as wide as
-- that cell; the others share the rest of the width.
local NARROW_CHARS = 14
-- From this many columns a table spans the page whatever its text (every generated table:
-- timeline, labs, markers, treatments).
local WIDE_COLUMNS = 4

local function typst_string(text)
  return '"' .. text:gsub("\\", "\\\\"):gsub('"', '\\"') .. '"'
end

local function length(text)
  return utf8.len(text) or #text
end

-- Every row of a table: head, each body's head and rows, foot.
local function table_rows(tbl)
  local rows = {}
  local function add(list)
    for _, row in ipairs(list) do
      table.insert(rows, row)
    end
  end
  add(tbl.head.rows)
  for _, body in ipairs(tbl.bodies) do
    add(body.head)
    add(body.body)
  end
  add(tbl.foot.rows)
  return rows
end

-- Per column of a table: its longest cell (`longest`), the width it needs (`need`: its longest
-- word and, for cells of running text, enough to wrap them in readable lines) and all its
-- text (`total`).
local function column_chars(tbl)
  local longest, need, total, cells = {}, {}, {}, {}
  for i = 1, #tbl.colspecs do
    longest[i], need[i], total[i] = 0, 0, 0
  end
  for _, row in ipairs(table_rows(tbl)) do
    local column, lengths = 1, {}
    for _, cell in ipairs(row.cells) do
      if cell.col_span == 1 and column <= #tbl.colspecs then
        local text = pandoc.utils.stringify(cell.contents)
        local width = math.min(length(text), WRAPPED_CHARS)
        for word in text:gmatch("%S+") do
          width = math.max(width, length(word))
        end
        longest[column] = math.max(longest[column], length(text))
        need[column] = math.max(need[column], width)
        total[column] = total[column] + length(text)
        lengths[column] = length(text)
      end
      column = column + cell.col_span
    end
    table.insert(cells, lengths)
  end
  return { longest = longest, need = need, total = total, cells = cells }
end

-- Characters a line of a wrapped cell loses on average (the word that did not fit).
local WRAP_LOSS_CHARS = 4

-- Lines the rows of a table take (estimated) with the columns `widths` characters wide.
local function table_lines(cells, widths)
  local lines = 0
  for _, lengths in ipairs(cells) do
    local row = 1
    for column, n in pairs(lengths) do
      local line = n > widths[column] and widths[column] - WRAP_LOSS_CHARS or widths[column]
      row = math.max(row, math.ceil(n / math.max(line, 1)))
    end
    lines = lines + row
  end
  return lines
end

-- Widths (characters) for the `flexible` columns that make the table short: starting from
-- shares of `budget` in proportion to their text, move width from one column to another
-- while that saves lines; no column narrower than its longest word.
local function balanced_widths(chars, flexible, budget)
  local widths, sum = {}, 0
  for _, i in ipairs(flexible) do
    sum = sum + chars.total[i]
  end
  for i = 1, #chars.longest do
    widths[i] = chars.longest[i]
  end
  for _, i in ipairs(flexible) do
    widths[i] = math.max(chars.need[i], math.floor(budget * chars.total[i] / math.max(sum, 1)))
  end
  local step = math.max(1, math.floor(budget / 40))
  local lines = table_lines(chars.cells, widths)
  for _ = 1, 400 do
    local best, move = lines, nil
    for _, from in ipairs(flexible) do
      for _, to in ipairs(flexible) do
        if from ~= to and widths[from] - step >= chars.need[from] then
          widths[from], widths[to] = widths[from] - step, widths[to] + step
          local tried = table_lines(chars.cells, widths)
          widths[from], widths[to] = widths[from] + step, widths[to] - step
          if tried < best then
            best, move = tried, { from, to }
          end
        end
      end
    end
    if move == nil then
      break
    end
    widths[move[1]], widths[move[2]] = widths[move[1]] - step, widths[move[2]] + step
    lines = best
  end
  return widths
end

local function is_wide_table(tbl, chars)
  if not two_columns then
    return false
  end
  local total = 0
  for _, width in ipairs(chars.need) do
    total = total + width + PADDING_CHARS
  end
  return tbl.classes:includes("wide") or #tbl.colspecs >= WIDE_COLUMNS or total > COLUMN_CHARS
end

-- The typst column widths: a table whose every cell fits on one line as wide as its content;
-- else a narrow column (dates, units, numbers) as wide as its content, the others sharing the
-- rest so that the rows come out short.
local function tracks(tbl, chars, wide)
  local budget = two_columns and (wide and SPREAD_CHARS or COLUMN_CHARS) or PAGE_CHARS
  local natural = 0
  for i = 1, #tbl.colspecs do
    natural = natural + chars.longest[i] + PADDING_CHARS
  end
  if natural <= budget then
    return "(" .. string.rep("auto, ", #tbl.colspecs) .. ")" -- every cell on one line
  end
  local flexible = {}
  for i = 1, #tbl.colspecs do
    budget = budget - PADDING_CHARS
    if chars.longest[i] > NARROW_CHARS then
      table.insert(flexible, i)
    else
      budget = budget - chars.longest[i]
    end
  end
  local widths = balanced_widths(chars, flexible, math.max(budget, 1))
  local sizes = {}
  for i = 1, #tbl.colspecs do
    sizes[i] = chars.longest[i] > NARROW_CHARS and string.format("%dfr", widths[i]) or "auto"
  end
  return "(" .. table.concat(sizes, ", ") .. ",)"
end

-- A table for typst, inside #cp-float: with the column widths of `tracks` (pandoc's
-- percentages from the Markdown squeeze a date or a unit into the next cell), spanning the
-- page when wide; `continued` (from the attribute casepub writes) is its caption where a
-- table too long for one page continues.
function Table(el)
  local continued = {}
  for line in (el.attributes["continued"] or ""):gmatch("[^|]+") do
    table.insert(continued, typst_string(line))
  end
  if not FORMAT:match("docx") then -- docx-tables.lua captions a split table's parts with it
    el.attributes["continued"] = nil -- a layout hint, not for the other formats
  end
  if not (FORMAT:match("typst") and manuscript) then
    return el
  end
  local chars = column_chars(el)
  local wide = is_wide_table(el, chars)
  local open = string.format(
    "#cp-float(cols: %d, wide: %s, tracks: %s, continued: (%s))[",
    #el.colspecs,
    tostring(wide),
    tracks(el, chars, wide),
    table.concat(continued, ", ") .. (#continued > 0 and "," or "")
  )
  return { pandoc.RawBlock("typst", open), el, pandoc.RawBlock("typst", "]") }
end

-- On a two-column page a figure floats: across the page when its image is `.wide`
-- (render.floats decides), else in its column.
function Figure(el)
  if not (FORMAT:match("typst") and two_columns) then
    return nil
  end
  local wide = false
  el:walk({
    Image = function(image)
      wide = wide or image.classes:includes("wide")
    end,
  })
  local open = string.format("#cp-float(wide: %s)[", tostring(wide))
  return { pandoc.RawBlock("typst", open), el, pandoc.RawBlock("typst", "]") }
end

local function span_with(inlines, class)
  for _, inline in ipairs(inlines) do
    if inline.t == "Span" and inline.classes:includes(class) then
      return inline
    end
  end
  return nil
end

-- The first line of inlines of a reference entry (citeproc writes one paragraph).
local function entry_inlines(entry)
  local first = entry.content[1]
  if first and (first.t == "Para" or first.t == "Plain") then
    return first.content
  end
  return nil
end

-- A numbered reference list for typst: each number in a hanging indent (#cp-reference) as
-- wide as the list's widest number, so the text never runs into it ("1.Druker").
local function reference_list(el)
  local widest = ""
  for _, entry in ipairs(el.content) do
    local inlines = entry.t == "Div" and entry_inlines(entry)
    local number = inlines and span_with(inlines, "csl-left-margin")
    if number then
      local text = pandoc.utils.stringify(number):gsub("%s+$", "")
      if length(text) > length(widest) then
        widest = text
      end
    end
  end
  if widest == "" then
    return nil -- an unnumbered style (author-year): nothing to indent
  end
  local call = "#cp-reference(widest: " .. typst_string(widest) .. ")["
  for i, entry in ipairs(el.content) do
    local inlines = entry.t == "Div" and entry_inlines(entry)
    local number = inlines and span_with(inlines, "csl-left-margin")
    local text = inlines and span_with(inlines, "csl-right-inline")
    if number and text then
      local line = pandoc.Inlines({ pandoc.RawInline("typst", call) })
      line:extend(number.content)
      line:insert(pandoc.RawInline("typst", "]["))
      line:extend(text.content)
      line:insert(pandoc.RawInline("typst", "]"))
      el.content[i] = pandoc.Div({ pandoc.Plain(line) }, pandoc.Attr(entry.identifier))
    end
  end
  return el
end

function Div(el)
  if FORMAT:match("typst") then
    if el.classes:includes("two-columns") then
      return el.content -- the page itself has the columns (see find_columns)
    elseif el.classes:includes("csl-bib-body") then
      return reference_list(el)
    end
  end
  local class = semantic_class(el)
  if class == nil then
    return nil
  end
  if FORMAT:match("typst") then
    local open
    if class == "front" then
      open = string.format(
        '#cp-front(lang: "%s", spanning: %s)[',
        el.attributes["lang"] or "ru",
        tostring(two_columns)
      )
    else
      open = "#cp-" .. class .. "["
    end
    local blocks = { pandoc.RawBlock("typst", open) }
    for _, block in ipairs(el.content) do
      table.insert(blocks, block)
    end
    table.insert(blocks, pandoc.RawBlock("typst", "]"))
    return blocks
  elseif FORMAT:match("docx") and docx_styles[class] then
    el.attributes["custom-style"] = docx_styles[class]
    return el
  end
  return nil
end

local function exists(path)
  local handle = io.open(path, "rb")
  if handle then
    handle:close()
    return true
  end
  return false
end

-- A relative path without `..` and without a scheme: a file of the build folder.
local function inside(path)
  if path:match("^%a[%w+.-]*:") or path:match("^[/\\~]") then
    return false
  end
  for part in path:gmatch("[^/\\]+") do
    if part == ".." then
      return false
    end
  end
  return true
end

local media_types = {
  png = "image/png",
  jpg = "image/jpeg",
  jpeg = "image/jpeg",
  svg = "image/svg+xml",
  css = "text/css",
}

-- Put a file into the media bag, where the sandboxed writers find it.
local function embed(path)
  if pandoc.mediabag.lookup(path) then
    return
  end
  local handle = io.open(path, "rb")
  if not handle then
    return -- pandoc reports the missing file
  end
  local contents = handle:read("a")
  handle:close()
  local extension = (path:match("%.(%w+)$") or ""):lower()
  pandoc.mediabag.insert(path, media_types[extension], contents)
end

-- A chart's PNG twin that casepub is still making during this run: the LaTeX writer names
-- it without waiting for it (`-V casepub-png-twins=PATH PATH…`; a DOCX waits, it embeds it).
local function twin_coming(png)
  local listed = PANDOC_WRITER_OPTIONS.variables["casepub-png-twins"]
  if not listed then
    return false
  end
  for name in tostring(listed):gmatch("%S+") do
    if name == png then
      return true
    end
  end
  return false
end

local function embeds_media()
  return not (FORMAT:match("typst") or FORMAT:match("latex"))
end

function Image(el)
  if el.src:match("^%a[%w+.-]*://") then
    error("casepub: remote image `" .. el.src .. "` is not allowed: casepub builds offline", 0)
  end
  if not inside(el.src) then
    error("casepub: image `" .. el.src .. "` is outside the build folder", 0)
  end
  -- Word shows SVG only from 2016 on, and xelatex not at all: give DOCX and LaTeX the
  -- 300 dpi PNG drawn beside each chart.
  if (FORMAT:match("docx") or FORMAT:match("latex")) and el.src:match("%.svg$") then
    local png = el.src:gsub("%.svg$", ".png")
    if exists(png) or twin_coming(png) then
      el.src = png
    end
  end
  if embeds_media() then
    embed(el.src)
  end
  return el
end

-- The style sheets casepub names with --css (its own or the profile's, never the author's).
function Pandoc(doc)
  if FORMAT:match("html") then
    local css = PANDOC_WRITER_OPTIONS.variables.css
    if type(css) == "table" then
      for _, item in ipairs(css) do
        embed(tostring(item))
      end
    elseif css ~= nil then
      embed(tostring(css))
    end
  end
  return nil
end

-- The first pass: is it a manuscript, is its body set in two columns? Then, for typst, the
-- pages are (from the first one on: a page setting later would start a new page), and the
-- title blocks span them as floats at the top (cp-front).
local function find_columns(doc)
  doc:walk({
    Div = function(el)
      local classes = el.classes
      manuscript = manuscript or classes:includes("front") or classes:includes("two-columns")
      two_columns = two_columns or el.classes:includes("two-columns")
    end,
  })
  if two_columns and FORMAT:match("typst") then
    doc.blocks:insert(1, pandoc.RawBlock("typst", "#show: cp-two-columns"))
    return doc
  end
  return nil
end

return {
  { Pandoc = find_columns },
  {
    Div = Div,
    Table = Table,
    Figure = Figure,
    Image = Image,
    Pandoc = Pandoc,
  },
}
