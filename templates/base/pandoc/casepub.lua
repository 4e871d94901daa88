-- casepub: map the manuscript's semantic divs to each output format.
--   typst: a call of the function of the same name in template.typ (#cp-title[...])
--   docx:  a paragraph style (custom-style), defined in the reference document
--   html:  the classes stay, styled by casepub.css
-- It also refuses remote images: nothing may leave the machine at build time.

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

function Div(el)
  local class = semantic_class(el)
  if class == nil then
    return nil
  end
  if FORMAT:match("typst") then
    local open
    if class == "front" then
      open = string.format('#cp-front(lang: "%s")[', el.attributes["lang"] or "ru")
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

function Image(el)
  if el.src:match("^%a[%w+.-]*://") then
    error("remote image " .. el.src .. " is not allowed: casepub builds offline")
  end
  -- Word shows SVG only from 2016 on, and xelatex not at all: give DOCX and LaTeX the
  -- 300 dpi PNG drawn beside each chart.
  if (FORMAT:match("docx") or FORMAT:match("latex")) and el.src:match("%.svg$") then
    local png = el.src:gsub("%.svg$", ".png")
    if exists(png) then
      el.src = png
      return el
    end
  end
  return nil
end
