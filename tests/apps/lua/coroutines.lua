-- Coroutines as generators and a scheduler, errors inside them, pcall across yields, and the GC.
local function producer(n)
  return coroutine.create(function()
    for i = 1, n do coroutine.yield(i) end
    return "done"
  end)
end
local tasks, out = {}, {}
for k = 1, 5 do tasks[k] = producer(k * 3) end
local alive = #tasks
while alive > 0 do
  alive = 0
  for k, co in ipairs(tasks) do
    if coroutine.status(co) ~= "dead" then
      local ok, v = coroutine.resume(co)
      out[#out + 1] = k .. ":" .. tostring(v)
      if coroutine.status(co) ~= "dead" then alive = alive + 1 end
    end
  end
end
print(#out, table.concat(out, " ", 1, 12))
local co = coroutine.wrap(function()
  local ok, err = pcall(function()
    coroutine.yield("yield inside pcall")
    error("after the yield")
  end)
  coroutine.yield(ok, err)
  return "end"
end)
print(co()); print(co()); print(co())
print(pcall(coroutine.wrap(function() error("wrapped") end)))
local depth = 0
local function deep(n) if n == 0 then error("bottom") end depth = depth + 1; return deep(n - 1) end
print(pcall(deep, 150), depth)
print(select(2, pcall(string.rep)))
local ok, msg = pcall(function() local x = {} .. 1 end)
print(ok, msg:gsub("^.-:%d+: ", ""))
local objs = {}
for i = 1, 50000 do objs[i] = {id = i, name = "obj" .. i, next = objs[i - 1]} end
local before = collectgarbage("count")
objs = nil
collectgarbage("collect")
print("GC freed memory", collectgarbage("count") < before)
local finalized = 0
for i = 1, 100 do setmetatable({}, {__gc = function() finalized = finalized + 1 end}) end
collectgarbage("collect"); collectgarbage("collect")
print("finalizers run", finalized)
