-- One authenticated request per call, chosen by the BENCH_SCENARIO variable.
-- The key comes from NB_API_KEY in the environment and is never printed.
local key = os.getenv("NB_API_KEY")
local scenario = os.getenv("BENCH_SCENARIO") or "status"
local video_id = os.getenv("BENCH_VIDEO_ID") or "vid_000000000000"

wrk.headers["Authorization"] = "Bearer " .. key
if scenario == "generate" then
  wrk.method = "POST"
  wrk.path = wrk.path .. "text-to-video.php"
  wrk.headers["Content-Type"] = "application/json"
  wrk.body = '{"prompt": "A lighthouse at dawn", "resolution": "720p", "duration": 6}'
else
  wrk.method = "GET"
  wrk.path = wrk.path .. "video-status.php?video_id=" .. video_id
end
