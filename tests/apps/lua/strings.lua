-- The string library at length: patterns, captures, gsub with tables and functions, format, pack.
local text = [[
alpha=1, beta=22, gamma=333
delta=4444; epsilon=55555
]]
local keys = {}
for k, v in text:gmatch("(%a+)=(%d+)") do keys[#keys + 1] = k .. ":" .. #v end
print(table.concat(keys, " "))
print((text:gsub("%d+", function(d) return tostring(#d) end)))
print((text:gsub("(%a+)", {alpha = "A", gamma = "G"})))
print(("hello world from lua"):gsub("(%w+) (%w+)", "%2 %1"))
print(string.format("[%10s][%-10s][%.3s]", "right", "left", "truncate"))
print(string.format("%d %5.1f %e %g %g %a", 42, 2.25, 12345.678, 1e20, 0.1, 1.0))
print(("%s"):rep(3, ","):format(1, 2, 3))
local packed = string.pack("<i4 d s1", -7, 1.5, "xyz")
print(#packed, string.unpack("<i4 d s1", packed))
print(utf8.char(72, 228, 8364, 128512), utf8.len("häll€"))
for p, c in utf8.codes("aé€") do io.write(p, "=", c, " ") end
print()
print(("  trim me  "):match("^%s*(.-)%s*$") .. "|", ("a,b,,c"):find(",,", 1, true))
local t = {}
for i = 1, 200 do t[i] = string.char(65 + i % 26) end
local s = table.concat(t)
print(#s, s:sub(-10), s:reverse():sub(1, 10), select("#", s:byte(1, -1)))
print(tostring(1/0), tostring(-1/0), tostring(0/0) == tostring(0/0), math.tointeger(3.0), 3 | 5, 6 & 3, 1 << 10, ~0)
