-- wrk: POST /api/auth/login for one existing account (correct password).
wrk.method = "POST"
wrk.path = "/api/auth/login"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"username":"bench-user","password":"bench password 1"}'
