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
    if exists(png) then
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
