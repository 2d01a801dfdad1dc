-- Mixed workload: shop details with a Zipf(s=1.1) popularity over SHOPS demo shops (hot shops get
-- most reads), plus list pages and main, as a home-feed client would.
local shops = tonumber(os.getenv("SHOPS") or "2000")
local cdf = {}
init = function()
  local total = 0
  for i = 1, shops do total = total + 1 / (i ^ 1.1); cdf[i] = total end
  for i = 1, shops do cdf[i] = cdf[i] / total end
  math.randomseed(42)
end
local function pick()
  local r, lo, hi = math.random(), 1, shops
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if cdf[mid] < r then lo = mid + 1 else hi = mid end
  end
  return lo
end
request = function()
  local roll = math.random()
  if roll < 0.8 then
    return wrk.format("GET", string.format("/v1/shops/s_demo_%06d", pick()))
  elseif roll < 0.95 then
    return wrk.format("GET", "/v1/shops?region=gangnam&category=chicken&limit=20")
  end
  return wrk.format("GET", "/v1/main?region=gangnam")
end
