-- Errors and pcall, coroutines, the string library, closures, tables and the GC, briefly.
local ok, err = pcall(function() error({code = 42}) end)
print("pcall table error", ok, type(err), err.code)
ok, err = pcall(function() local t = nil; return t.x end)
print("pcall index nil", ok, (err:gsub("^.-:%d+: ", "")))
print("nested", pcall(pcall, error, "inner"))
print("xpcall", xpcall(function() error("boom", 0) end, function(m) return "handled " .. m end))

local function gen(n)
  return coroutine.wrap(function() for i = 1, n do coroutine.yield(i * i) end end)
end
local sum = 0
for v in gen(10) do sum = sum + v end
print("coroutine squares", sum)
local co = coroutine.create(function(a) local b = coroutine.yield(a + 1); error("in co " .. b) end)
print("resume", coroutine.resume(co, 1))
print("resume error", coroutine.resume(co, "x"))
print("status", coroutine.status(co))

local s = "The quick brown fox jumps over the lazy dog"
print(s:upper(), #s, s:find("fox"), s:match("(%a+) dog"))
print(string.format("%5.2f|%-6s|%x|%q", math.pi, "ab", 255, "a\nb"))
local words = {}
for w in s:gmatch("%a+") do words[#words + 1] = w:lower() end
table.sort(words)
print(table.concat(words, ","))
print(("x"):rep(3, "-"), s:sub(5, 9), s:byte(1), string.char(72, 105))

local function counter()
  local n = 0
  return function() n = n + 1; return n end
end
local c1, c2 = counter(), counter()
c1(); c1()
print("closures", c1(), c2())

local t = setmetatable({}, {__index = function(_, k) return k * 2 end})
print("metatable", t[21], rawget(t, 21))
local big = {}
for i = 1, 20000 do big[i] = {i, tostring(i)} end
print("table", #big, big[12345][2])
big = nil
collectgarbage("collect")
local weak = setmetatable({}, {__mode = "k"})
weak[{}] = 1
collectgarbage("collect")
local n = 0
for _ in pairs(weak) do n = n + 1 end
print("weak entries after GC", n)
print("integer/float", 7 // 2, 7 / 2, 2^53, math.maxinteger, 10 % 3, -7 // 2)
