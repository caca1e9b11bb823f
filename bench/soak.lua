-- wrk script for bench/soak.sh: each request is a cold path (parameters that vary, mostly cache
-- misses) with probability COLD_SHARE, else a hot one (a fixed set, cached after one miss per
-- data version). Arguments after `--`: the paths file written by `soak.py prepare`, COLD_SHARE.
local hot, cold = {}, {}
local cold_share = 0.2
local threads = {}
local thread_id = 0

function setup(thread)
    thread_id = thread_id + 1
    thread:set("id", thread_id)
    table.insert(threads, thread)
end

function init(args)
    for line in io.lines(args[1]) do
        local kind, path = line:match("^(%a+) (.+)$")
        if kind == "hot" then table.insert(hot, path) else table.insert(cold, path) end
    end
    cold_share = tonumber(args[2]) or cold_share
    -- A different sequence per thread, the same on every soak.
    math.randomseed(20261130 + id)
    cold_requests, hot_requests = 0, 0
end

function request()
    if math.random() < cold_share then
        cold_requests = cold_requests + 1
        return wrk.format("GET", cold[math.random(#cold)])
    end
    hot_requests = hot_requests + 1
    return wrk.format("GET", hot[math.random(#hot)])
end

function done(summary, latency, requests)
    local c, h = 0, 0
    for _, thread in ipairs(threads) do
        c = c + thread:get("cold_requests")
        h = h + thread:get("hot_requests")
    end
    io.write(string.format("requests sent: %d cold, %d hot\n", c, h))
end
