-- casepub revise: the marks of the marked manuscript (`casepub diff`), per format.
--   Span.insertion / Span.deletion (author, date): pandoc's tracked changes.
--     docx:  left to pandoc's writer, which makes them w:ins / w:del revisions.
--     typst: #cp-ins[…] / #cp-del[…]: coloured and underlined / struck through, with a bar
--            in the margin beside the lines they are on.
--     html:  the classes stay, styled by the style sheet added here.
--   Span.revision-note: a note to the reader ("figure redrawn"); a comment in DOCX.
--   Div.revision-legend: what the marks mean, at the top; not in DOCX (Word shows its own).
--   Span.sample-insertion / Span.sample-deletion: the marks as the legend shows them.

local TYPST = [[
#let cp-rev-ins-fill = rgb("#1a5fb4")
#let cp-rev-del-fill = rgb("#b3261e")
#let cp-rev-bar = 1.4pt + rgb("#c0392b")
#let cp-sample-ins(body) = underline(offset: 1.5pt, text(fill: cp-rev-ins-fill, body))
#let cp-sample-del(body) = strike(text(fill: cp-rev-del-fill, body))
// The bar in the margin beside a change: a zero-width box where it starts and one where it
// ends, each drawing a bar in the margin beside its line (the left margin, or the right one
// for the right column of a two-column page); the end's bar reaches up to the start's line
// when both are in the same column of the same page.
#let cp-rev-start = state("cp-rev-start", none)
#let cp-rev-x(p) = if cp-columns.get() > 1 and p.x > page.width / 2 {
  page.width - cp-margin.x + 0.3cm
} else {
  cp-margin.x - 0.3cm
}
#let cp-rev-bar-at(p, dy, length) = box(width: 0pt, place(top + left, dx: cp-rev-x(p) - p.x,
  dy: dy, line(angle: 90deg, length: length, stroke: cp-rev-bar)))
#let cp-rev-open = context {
  let p = here().position()
  cp-rev-start.update(p)
  cp-rev-bar-at(p, -0.8em, 1.05em)
}
#let cp-rev-close = context {
  let p = here().position()
  let s = cp-rev-start.get()
  if s != none and s.page == p.page and cp-rev-x(s) == cp-rev-x(p) and s.y < p.y {
    cp-rev-bar-at(p, s.y - p.y - 0.8em, p.y - s.y + 1.05em)
  } else {
    cp-rev-bar-at(p, -0.8em, 1.05em)
  }
}
#let cp-ins(body) = [#cp-rev-open#cp-sample-ins(body)#cp-rev-close]
#let cp-del(body) = [#cp-rev-open#cp-sample-del(body)#cp-rev-close]
#let cp-rev-note(body) = text(fill: rgb("#8a5a00"), style: "italic", body)
#let cp-legend(body) = block(width: 100%, inset: 6pt, stroke: 0.5pt + rgb("#999999"),
  below: 1.2em, text(size: 8.5pt, body))
]]

local CSS = [[
<style>
.insertion, .sample-insertion { color: #1a5fb4; text-decoration: underline; }
.deletion, .sample-deletion { color: #b3261e; text-decoration: line-through; }
.revision-note { color: #8a5a00; font-style: italic; }
.revision-legend { border: 1px solid #999; padding: 0.3rem 0.8rem; font-size: 0.85rem; margin-bottom: 1.5rem; }
p:has(.insertion, .deletion), li:has(.insertion, .deletion), tr:has(.insertion, .deletion),
figcaption:has(.insertion, .deletion), caption:has(.insertion, .deletion),
h1:has(.insertion, .deletion), h2:has(.insertion, .deletion), .title:has(.insertion, .deletion),
.csl-entry:has(.insertion, .deletion) { border-left: 3px solid #c0392b; padding-left: 0.5rem; }
</style>
]]

local typst_calls = {
  ["insertion"] = "#cp-ins[",
  ["deletion"] = "#cp-del[",
  ["revision-note"] = "#cp-rev-note[",
  ["sample-insertion"] = "#cp-sample-ins[",
  ["sample-deletion"] = "#cp-sample-del[",
}

local comments = 0

local function typst_span(el)
  for class, call in pairs(typst_calls) do
    if el.classes:includes(class) then
      local inlines = pandoc.Inlines({ pandoc.RawInline("typst", call) })
      inlines:extend(el.content)
      inlines:insert(pandoc.RawInline("typst", "]"))
      return inlines
    end
  end
  return nil
end

-- A note as a Word comment: its text in the comment, anchored where the note stands.
local function docx_comment(el)
  comments = comments + 1
  local id = tostring(comments)
  local start = pandoc.Span(el.content, pandoc.Attr("", { "comment-start" }, {
    id = id,
    author = el.attributes["author"] or "casepub",
    date = el.attributes["date"] or "",
  }))
  local stop = pandoc.Span({}, pandoc.Attr("", { "comment-end" }, { id = id }))
  return { start, stop }
end

function Span(el)
  if FORMAT:match("typst") then
    return typst_span(el)
  elseif FORMAT:match("docx") then
    if el.classes:includes("revision-note") then
      return docx_comment(el)
    elseif el.classes:includes("sample-insertion") or el.classes:includes("sample-deletion") then
      return el.content
    end
  end
  return nil
end

function Div(el)
  if not el.classes:includes("revision-legend") then
    return nil
  end
  if FORMAT:match("docx") then
    return {}
  elseif FORMAT:match("typst") then
    local blocks = { pandoc.RawBlock("typst", "#cp-legend[") }
    for _, block in ipairs(el.content) do
      table.insert(blocks, block)
    end
    table.insert(blocks, pandoc.RawBlock("typst", "]"))
    return blocks
  end
  return nil
end

function Meta(meta)
  local raw
  if FORMAT:match("typst") then
    raw = pandoc.RawBlock("typst", TYPST)
  elseif FORMAT:match("html") then
    raw = pandoc.RawBlock("html", CSS)
  else
    return nil
  end
  local includes = meta["header-includes"]
  if includes == nil then
    includes = pandoc.MetaList({})
  elseif pandoc.utils.type(includes) ~= "List" then
    includes = pandoc.MetaList({ includes })
  end
  includes:insert(pandoc.MetaBlocks({ raw }))
  meta["header-includes"] = includes
  return meta
end

return {
  { Span = Span, Div = Div, Meta = Meta },
}
