"""Log into the Django admin with a username and password, as a person would; exit 1 if refused."""

import http.cookiejar
import re
import sys
import urllib.parse
import urllib.request

admin_url, username, password = sys.argv[1:4]
jar = http.cookiejar.CookieJar()
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
login_url = admin_url + "login/"
page = opener.open(login_url).read().decode()
token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
form = urllib.parse.urlencode(
    {"csrfmiddlewaretoken": token, "username": username, "password": password, "next": admin_url}
).encode()
request = urllib.request.Request(login_url, data=form, headers={"Referer": login_url})
response = opener.open(request)
body = response.read().decode()
if response.geturl().rstrip("/") != admin_url.rstrip("/") or 'name="password"' in body:
    sys.exit(f"admin login with the printed password failed (ended at {response.geturl()})")
print(f"admin login as {username}: ok")
