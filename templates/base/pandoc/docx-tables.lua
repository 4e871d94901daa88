-- casepub, DOCX only: tables whose columns fit their content.
--   * a value stays whole: the space between a number and its unit or arrow ("30 мг",
--     "1189,1 ↑"), and after a sign ("< 200", "× 10⁹/л"), becomes a no-break space;
--   * cell text takes the reference document's "Table Text" style (header: "Table Heading");
--   * each column gets a relative width: never so narrow that a date or a value breaks, wide
--     enough for its longest word whenever the table can hold every word, and otherwise as
--     makes the table shortest (lines, with a price on every word broken across lines).
-- Widths are estimated from DejaVu Serif's advance widths (docx-metrics.json), the widest of
-- the serif fonts a reader's word processor may use. casepub/convert/docx_measure.py measures
-- the same way and states the same break rules; keep the two in step.
-- Variables (set by casepub): casepub-text-width (points), casepub-table-font-size (points).

local NBSP = "\u{00A0}"
local CELL_MARGIN = 5.4 -- points, each side (the Table style's cell padding)
local SLACK = 1.04

local function read_metrics()
  local folder = pandoc.path.directory(PANDOC_SCRIPT_FILE)
  local handle = assert(io.open(pandoc.path.join({ folder, "docx-metrics.json" }), "rb"))
  local text = handle:read("a")
  handle:close()
  return pandoc.json.decode(text, false)
end

local metrics = read_metrics()

local function variable(name, default)
  local value = PANDOC_WRITER_OPTIONS.variables[name]
  return tonumber(value and tostring(value)) or default
end

local text_width = variable("casepub-text-width", 453.5)
local font_size = variable("casepub-table-font-size", 10)

-- Values: a number followed by a unit or an arrow, a sign followed by a number, an arrow
-- after whatever it marks; a relative date ("Month 47").
local SIGNS = {
  ["<"] = true, [">"] = true, ["≤"] = true, ["≥"] = true, ["±"] = true,
  ["×"] = true, ["~"] = true, ["≈"] = true, ["="] = true,
}

local ARROWS = { ["↑"] = true, ["↓"] = true, ["↑↑"] = true, ["↓↓"] = true }

local function last_char(text)
  local last = utf8.offset(text, -1)
  return last and text:sub(last) or ""
end

local SUPERSCRIPT_DIGIT = { [0xB9] = true, [0xB2] = true, [0xB3] = true, [0x2070] = true }
for code = 0x2074, 0x2079 do SUPERSCRIPT_DIGIT[code] = true end

local function ends_with_number(text)
  local last = last_char(text)
  return text:match("%d%%?$") ~= nil or (last ~= "" and SUPERSCRIPT_DIGIT[utf8.codepoint(last)] == true)
end

local function is_unit(text)
  local bare = text:gsub("[,;:.)]+$", "")
  return bare ~= "" and utf8.len(bare) ~= nil and utf8.len(bare) <= 6
    and not bare:match("^%d") and (bare:match("^%%") or not bare:match("^%p"))
end

local function is_short_word(text)
  return not text:find("[%d%p%s]") and (utf8.len(text) or 99) <= 6
end

local function starts_with_number(text)
  return text:match("^[-+]?%d") ~= nil or (text:sub(1, 3) == "−" and text:match("^−%d") ~= nil)
end

local function holds_together(before, after)
  if before.t ~= "Str" or after.t ~= "Str" then
    return false
  end
  if ARROWS[after.text] then -- a value's mark: "10⁹/л ↓"
    return true
  end
  if SIGNS[last_char(before.text)] then
    return starts_with_number(after.text)
  end
  return ends_with_number(before.text) and (is_unit(after.text) or SIGNS[after.text] ~= nil)
end

-- A cell that is a word and a number: a relative date ("Month 47", "День −19").
local function is_relative_date(inlines)
  return #inlines == 3 and inlines[1].t == "Str" and inlines[2].t == "Space"
    and inlines[3].t == "Str" and is_short_word(inlines[1].text)
    and starts_with_number(inlines[3].text)
end

local function join_values(inlines)
  if is_relative_date(inlines) then
    return pandoc.Inlines({ pandoc.Str(inlines[1].text .. NBSP .. inlines[3].text) })
  end
  local result = pandoc.Inlines({})
  local i = 1
  while i <= #inlines do
    local item = inlines[i]
    local last = result[#result]
    if item.t == "Space" and last and inlines[i + 1] and holds_together(last, inlines[i + 1]) then
      result[#result] = pandoc.Str(last.text .. NBSP .. inlines[i + 1].text)
      i = i + 2
    else
      result:insert(item)
      i = i + 1
    end
  end
  return result
end

-- Break rules (docx_measure._BREAK): at spaces but the no-break ones, after an en or em
-- dash, and after a hyphen unless a digit, space or ASCII sign follows ("Ki-67" is counted
-- whole: a word processor may break it, which can only need less width).
local BREAKING_SPACE = { [0x20] = true, [0x09] = true, [0x0A] = true, [0x0D] = true }
for code = 0x2002, 0x2006 do BREAKING_SPACE[code] = true end
for code = 0x2008, 0x200B do BREAKING_SPACE[code] = true end

local function holds_after_hyphen(code)
  return code == nil or BREAKING_SPACE[code] or (code >= 0x21 and code <= 0x40)
    or (code >= 0x5B and code <= 0x60) or (code >= 0x7B and code <= 0x7E)
end

local function pieces(text)
  local codes = {}
  for _, code in utf8.codes(text) do
    table.insert(codes, code)
  end
  local result, current = {}, {}
  local function cut()
    if #current > 0 then
      table.insert(result, current)
      current = {}
    end
  end
  for index, code in ipairs(codes) do
    if BREAKING_SPACE[code] then
      cut()
    else
      table.insert(current, code)
      if code == 0x2013 or code == 0x2014 then
        cut()
      elseif code == 0x2D and not holds_after_hyphen(codes[index + 1]) then
        cut()
      end
    end
  end
  cut()
  return result
end

-- Width of a piece of text in points (with the estimate's slack, without the cell padding).
local function points(codes, weight)
  local widths, total = metrics[weight], 0
  for _, code in ipairs(codes) do
    total = total + (widths[utf8.char(code)] or metrics.unknown.em)
  end
  return total * font_size / 1000 * SLACK
end

local function has_digit(codes)
  for _, code in ipairs(codes) do
    if code >= 0x30 and code <= 0x39 then
      return true
    end
  end
  return false
end

local PADDING = 2 * CELL_MARGIN

-- One column: hard (the width its widest date or value needs), soft (its widest piece),
-- natural (its widest cell on one line), text (all its cells on one line) and, per row, the
-- widths of the pieces of its cell.
local function new_column()
  return { hard = PADDING, soft = PADDING, natural = PADDING, text = 0, rows = {} }
end

local function measure(column, row, text, weight)
  local cell = column.rows[row] or {}
  column.rows[row] = cell
  local line = 0
  for _, piece in ipairs(pieces(text)) do
    local w = points(piece, weight)
    table.insert(cell, w)
    line = line + w + points({ 0x20 }, weight)
    column.soft = math.max(column.soft, w + PADDING)
    if has_digit(piece) then
      column.hard = math.max(column.hard, w + PADDING)
    end
  end
  column.natural = math.max(column.natural, line + PADDING)
  column.text = column.text + line
end

local function sum(list, key)
  local total = 0
  for _, item in ipairs(list) do
    total = total + (key and item[key] or item)
  end
  return total
end

-- Lines a cell takes at a column width, filled greedily, and how many lines its words too
-- long for the column spill onto.
local function lines(cell, width)
  local room, space = math.max(width - PADDING, 1), points({ 0x20 }, "regular")
  local count, used, broken = 1, 0, 0
  for _, piece in ipairs(cell) do
    if used > 0 and used + piece > room then
      count, used = count + 1, 0
    end
    if piece > room then
      local extra = math.ceil(piece / room) - 1
      count, broken, used = count + extra, broken + extra, piece - extra * room
    else
      used = used + piece + space
    end
  end
  return count, broken
end

local BROKEN_WORD = 10 -- each line a word is broken onto costs as much as ten more lines

-- The cost of a layout: the table's height in lines, and a price for every broken word.
local function cost(columns, widths, memo)
  local height, broken = 0, 0
  local per_column = {}
  for index, column in ipairs(columns) do
    local key = math.floor(widths[index] * 4 + 0.5)
    memo[index] = memo[index] or {}
    if not memo[index][key] then
      local counts, breaks = {}, 0
      for row, cell in pairs(column.rows) do
        local count, broke = lines(cell, widths[index])
        counts[row], breaks = count, breaks + broke
      end
      memo[index][key] = { counts = counts, broken = breaks }
    end
    per_column[index] = memo[index][key]
    broken = broken + per_column[index].broken
  end
  for row = 1, #columns.row_list do
    local tallest = 1
    for index = 1, #columns do
      tallest = math.max(tallest, per_column[index].counts[row] or 1)
    end
    height = height + tallest
  end
  -- ties go to the layout that gives the columns with more text more width
  local crowding = 0
  for index, column in ipairs(columns) do
    crowding = crowding + column.text / widths[index]
  end
  return height + BROKEN_WORD * broken + crowding / 1000
end

-- A start: each column its floor, the rest of the width in proportion to its text.
local function start(columns, floors)
  local free = text_width - sum(floors)
  local text = sum(columns, "text")
  local widths = {}
  for index, column in ipairs(columns) do
    local share = text > 0 and column.text / text or 1 / #columns
    widths[index] = floors[index] + free * share
  end
  return widths
end

-- The widths to try moving from one column to another: fixed steps, and exactly what a
-- column lacks for its longest word (a word is whole or broken: small steps never get there).
local STEPS = { 16, 8, 4, 2, 1, 0.5 }

local function moves(columns, widths, gain)
  local lacking = columns[gain].soft - widths[gain]
  if lacking > 0 then
    return { lacking, table.unpack(STEPS) }
  end
  return STEPS
end

-- Move width between columns while that makes the table shorter (fewer lines, fewer broken
-- words); no column below its floor.
local function improve(columns, floors, widths)
  local memo = {}
  local best = cost(columns, widths, memo)
  local moved, rounds = true, 0
  while moved and rounds < 200 do
    moved, rounds = false, rounds + 1
    for gain = 1, #columns do
      for give = 1, #columns do
        for _, step in ipairs(moves(columns, widths, gain)) do
          if gain ~= give and widths[give] - step >= floors[give] then
            widths[gain], widths[give] = widths[gain] + step, widths[give] - step
            local trial = cost(columns, widths, memo)
            if trial < best - 1e-9 then
              best, moved = trial, true
              break
            end
            widths[gain], widths[give] = widths[gain] - step, widths[give] + step
          end
        end
      end
    end
  end
  return widths
end

-- No column narrower than five em (a short word, "Линия", "Циклы"), unless its text is, or
-- the table cannot hold that: then as close to it as it can.
local NARROWEST = 5 * font_size + PADDING

-- Each column's floor: its dates and values, and its longest word up to ``cap``.
local function floors_under(columns, cap)
  local floors = {}
  for index, column in ipairs(columns) do
    floors[index] = math.max(column.hard, math.min(column.soft, cap))
  end
  return floors
end

-- The columns' widths: one line per cell when the text width allows; else every date and
-- value whole, every word whole when the table can hold them all (else the short ones, see
-- NARROWEST), and the rest of the width where it makes the table shortest.
local function allocate(columns)
  local natural = sum(columns, "natural")
  local widths = {}
  if natural <= text_width then -- every cell on one line: stretched to the text width
    for index, column in ipairs(columns) do
      widths[index] = column.natural * text_width / natural
    end
    return widths
  end
  local hard = sum(columns, "hard")
  if hard > text_width then -- more dates and values than a line holds: shrink them all
    for index, column in ipairs(columns) do
      widths[index] = column.hard * text_width / hard
    end
    return widths
  end
  local floors = floors_under(columns, math.huge)
  if sum(floors) > text_width then
    local low, high = 0, NARROWEST
    for _ = 1, 30 do
      local middle = (low + high) / 2
      if sum(floors_under(columns, middle)) <= text_width then
        low = middle
      else
        high = middle
      end
    end
    floors = floors_under(columns, low)
  end
  return improve(columns, floors, start(columns, floors))
end

local function rows_of(tbl)
  local rows = {}
  for _, row in ipairs(tbl.head.rows) do
    table.insert(rows, { row = row, weight = "bold" })
  end
  for _, body in ipairs(tbl.bodies) do
    for _, row in ipairs(body.head) do
      table.insert(rows, { row = row, weight = "bold" })
    end
    for _, row in ipairs(body.body) do
      table.insert(rows, { row = row, weight = "regular" })
    end
  end
  for _, row in ipairs(tbl.foot.rows) do
    table.insert(rows, { row = row, weight = "regular" })
  end
  return rows
end

local STYLE = { bold = "Table Heading", regular = "Table Text" }

local function plain_to_para(plain)
  return pandoc.Para(plain.content)
end

-- The cell's blocks in the style of its row; a Plain in a cell would be written in pandoc's
-- "Compact" style, a Para takes the Div's; an empty cell keeps an empty styled paragraph.
local function styled(contents, weight)
  local blocks = contents:walk({ Plain = plain_to_para })
  if #blocks == 0 then
    blocks = { pandoc.Para({ pandoc.Str("") }) }
  end
  return { pandoc.Div(blocks, { ["custom-style"] = STYLE[weight] }) }
end

-- The leading columns that label a row and are repeated in every part of a split table:
-- the result, its unit and its reference range of a generated results table, else the first.
local LABEL_COLUMNS = { ["tbl:labs"] = 3, ["tbl:markers"] = 3 }

-- The least width a part of a split table gives a column: its dates and values, and its
-- short words whole (see NARROWEST).
local function least(column)
  return math.max(column.hard, math.min(column.soft, NARROWEST))
end

-- The columns after the `lead` label columns, cut into the fewest consecutive runs that fit
-- beside the label columns, as even as they can be; nil when one run cannot hold even one.
local function runs(columns, lead)
  local room = text_width
  for index = 1, lead do
    room = room - least(columns[index])
  end
  local rest = #columns - lead
  for count = 1, rest do
    local size, result, current, used = math.ceil(rest / count), {}, {}, 0
    for index = lead + 1, #columns do
      local need = least(columns[index])
      if need > room then
        return nil
      end
      if #current == size or used + need > room then
        table.insert(result, current)
        current, used = {}, 0
      end
      table.insert(current, index)
      used = used + need
    end
    table.insert(result, current)
    if #result <= count then
      return result
    end
  end
  return nil
end

local function simple_cells(rows)
  for _, entry in ipairs(rows) do
    for _, cell in ipairs(entry.row.cells) do
      if cell.col_span ~= 1 or cell.row_span ~= 1 then
        return false
      end
    end
  end
  return #rows > 0
end

-- A caption of lines (a bilingual caption has one per language).
local function caption_of(lines)
  local inlines = pandoc.Inlines({})
  for index, line in ipairs(lines) do
    if index > 1 then
      inlines:insert(pandoc.LineBreak())
    end
    inlines:extend(pandoc.Inlines(line))
  end
  return { long = { pandoc.Plain(inlines) } }
end

local function set_widths(tbl, widths)
  for index, spec in ipairs(tbl.colspecs) do
    -- rounded down so that the shares never add up to more than the text width
    tbl.colspecs[index] = { spec[1], math.floor(widths[index] / text_width * 10000) / 10000 }
  end
end

-- The part of a table with the columns `picked` (indexes), widths by the same measure.
local function part_of(tbl, columns, picked)
  local part = tbl:clone()
  local chosen = { row_list = columns.row_list }
  local colspecs = {}
  for position, index in ipairs(picked) do
    chosen[position], colspecs[position] = columns[index], tbl.colspecs[index]
  end
  part.colspecs = colspecs
  local function keep(row)
    local cells = {}
    for _, index in ipairs(picked) do
      table.insert(cells, row.cells[index])
    end
    row.cells = cells
    return row
  end
  part.head.rows = part.head.rows:map(keep)
  for _, body in ipairs(part.bodies) do
    body.head = body.head:map(keep)
    body.body = body.body:map(keep)
  end
  part.foot.rows = part.foot.rows:map(keep)
  set_widths(part, allocate(chosen))
  return part
end

-- A table whose dates and values cannot all stand whole side by side, in parts that each
-- fit the text width: every part repeats the label columns and takes the next run of the
-- other columns; the first keeps the caption, the others have the `continued` one.
local function split(tbl, columns, continued)
  local lead = math.min(LABEL_COLUMNS[tbl.identifier] or 1, #columns - 1)
  local cut = lead >= 1 and simple_cells(columns.row_list) and runs(columns, lead)
  if not cut or #cut < 2 then
    return nil
  end
  local parts = {}
  for number, run in ipairs(cut) do
    local picked = {}
    for index = 1, lead do
      table.insert(picked, index)
    end
    for _, index in ipairs(run) do
      table.insert(picked, index)
    end
    local part = part_of(tbl, columns, picked)
    if number > 1 then
      part.identifier = ""
      part.caption = caption_of(#continued > 0 and continued or { "" })
    end
    table.insert(parts, part)
  end
  return parts
end

function Table(tbl)
  local continued = {}
  for line in (tbl.attributes["continued"] or ""):gmatch("[^|]+") do
    table.insert(continued, line)
  end
  tbl.attributes["continued"] = nil
  local columns = { row_list = rows_of(tbl) }
  for index = 1, #tbl.colspecs do
    columns[index] = new_column()
  end
  for row, entry in ipairs(columns.row_list) do
    local index = 1
    for _, cell in ipairs(entry.row.cells) do
      cell.contents = pandoc.Blocks(cell.contents):walk({ Inlines = join_values })
      if cell.col_span == 1 and columns[index] then
        for _, block in ipairs(cell.contents) do
          measure(columns[index], row, pandoc.utils.stringify(block), entry.weight)
        end
      end
      cell.contents = styled(cell.contents, entry.weight)
      index = index + cell.col_span
    end
  end
  if sum(columns, "hard") > text_width then
    local parts = split(tbl, columns, continued)
    if parts then
      return parts
    end
  end
  set_widths(tbl, allocate(columns))
  return tbl
end

-- An image no taller than the page leaves it beside its caption (two lines in each language,
-- with their spacing): a taller one, a chart of many panels, would push its caption onto the
-- next page. Its width follows (pandoc keeps the aspect ratio when only the height is set).
local text_height = variable("casepub-text-height", 697.9)
local CAPTION_ROOM = 100 -- points

function Image(el)
  local _, contents = pandoc.mediabag.lookup(el.src)
  if not contents or el.attributes["height"] then
    return nil
  end
  local ok, size = pcall(pandoc.image.size, contents)
  if not ok or not size.dpi_vert or size.dpi_vert <= 0 then
    return nil
  end
  local room = text_height - CAPTION_ROOM
  if size.height / size.dpi_vert * 72 <= room then
    return nil
  end
  el.attributes["width"] = nil
  el.attributes["height"] = string.format("%.2fcm", room / 72 * 2.54)
  return el
end
