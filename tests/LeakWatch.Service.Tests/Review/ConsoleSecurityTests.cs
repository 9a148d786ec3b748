using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using LeakWatch.Service.Accounts;
using LeakWatch.Service.Tests.Enrollment;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;

namespace LeakWatch.Service.Tests.Review;

/// <summary>The console's defences over real HTTP against `leakwatch run`: sessions, roles, anti-forgery, lockout, hostile content.</summary>
public sealed class ConsoleSecurityTests(ConsoleFixture console) : IClassFixture<ConsoleFixture>
{
    [Fact]
    public async Task EveryRoute_WithoutSession_IsRefused()
    {
        using var anonymous = console.NewClient();
        var anonymousRoutes = new List<string>();
        foreach (var (method, path, endpoint) in Routes())
        {
            if (endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null)
            {
                anonymousRoutes.Add(method + " " + path);
                continue;
            }
            using var response = method == "GET" ? await anonymous.GetAsync(path) : await anonymous.PostAsync(path, new FormUrlEncodedContent([]));
            if (method == "GET")
            {
                Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"GET {path}: {response.StatusCode}");
                Assert.StartsWith("/login?returnUrl=", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
            }
            else
            {
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"POST {path}: {response.StatusCode}");
            }
        }
        // The console's sign-in, and operations' health and metrics (which carry nothing sensitive).
        Assert.Equal(["GET /console.css", "GET /healthz", "GET /login", "GET /metrics", "GET /readyz", "POST /login"], anonymousRoutes.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task EveryRoute_WithTheWrongRole_IsForbidden()
    {
        var clients = new Dictionary<string, ConsoleClient>();
        foreach (var role in ConsoleRoles.All) clients[role] = await console.SignedInAsync(role);
        var checkedRoutes = 0;
        foreach (var (method, path, endpoint) in Routes())
        {
            if (endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null) continue;
            var roles = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Roles).FirstOrDefault(r => r is not null);
            if (roles is null)
            {
                // Only the steps of signing in itself are open to every signed-in person.
                Assert.Contains(path, new[] { "/logout", "/login/second-factor", "/account/password", "/account/second-factor" });
                continue;
            }
            foreach (var role in ConsoleRoles.All.Except(roles.Split(',')))
            {
                using var response = method == "GET" ? await clients[role].GetAsync(path) : await clients[role].PostAsync(path, new FormUrlEncodedContent([]));
                Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{role}: {method} {path}: {response.StatusCode}");
                checkedRoutes++;
            }
        }
        Assert.True(checkedRoutes > 20, checkedRoutes.ToString(CultureInfo.InvariantCulture));
        // And the right role gets through.
        Assert.Equal(HttpStatusCode.OK, (await clients[ConsoleRoles.Analyst].GetAsync("/incidents/" + console.CrawledIncident)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await clients[ConsoleRoles.Admin].GetAsync("/admin/users")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await clients[ConsoleRoles.Dpo].GetAsync("/audit")).StatusCode);
    }

    [Fact]
    public async Task Form_WithoutAntiforgeryToken_IsRefusedAndChangesNothing()
    {
        using var dpo = await console.SignedInAsync(ConsoleRoles.Dpo);
        var refused = await dpo.PostFormAsync($"/incidents/{console.HostileIncident}/comment", new() { ["body"] = "forged" }, withToken: false);
        var accepted = await dpo.PostFormAsync($"/incidents/{console.HostileIncident}/comment", new() { ["body"] = "genuine note" });
        var page = await dpo.GetTextAsync($"/incidents/{console.HostileIncident}");

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        Assert.Contains("genuine note", page, StringComparison.Ordinal);
        Assert.DoesNotContain("forged", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_FiveWrongPasswords_LocksTheAccountEvenForTheRightOne()
    {
        var name = await console.AddUserAsync(ConsoleRoles.Analyst);
        using var client = console.NewClient();
        for (var i = 0; i < 4; i++)
        {
            var wrong = await client.SignInAsync(name, "not the password " + i);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            Assert.Contains("Wrong user name or password", client.Pages[^1], StringComparison.Ordinal);
        }
        var fifth = await client.SignInAsync(name, "not the password 5");
        var right = await client.SignInAsync(name, ConsoleFixture.Password);
        var list = await console.Cli.RunAsync("users", "list");

        Assert.Contains("locked", client.Pages[^2], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, right.StatusCode);
        Assert.Contains("locked", client.Pages[^1], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, fifth.StatusCode);
        Assert.Contains(list.Out.Split('\n'), l => l.StartsWith(name, StringComparison.Ordinal) && l.Contains("locked until", StringComparison.Ordinal));
        // An admin's reset unlocks it with a new one-time password.
        var reset = await console.Cli.RunAsync("users", "reset", name);
        var otp = reset.Out.Split(": ")[^1].Trim();
        var after = await client.SignInAsync(name, otp);
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/account/password", after.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RoleRoutes_SessionOwingThePasswordChange_SentToThatStepNotServed()
    {
        var name = await console.AddUserAsync(ConsoleRoles.Dpo);
        using var client = console.NewClient();
        var login = await client.SignInAsync(name, ConsoleFixture.Password);
        Assert.Equal("/account/password", login.Headers.Location?.OriginalString.Split('?')[0]);

        foreach (var path in new[] { "/", "/incidents", "/incidents/" + console.CrawledIncident, $"/incidents/{console.CrawledIncident}/patients.jsonl", "/audit" })
        {
            using var response = await client.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"GET {path}: {response.StatusCode}");
            Assert.Equal("/account/password", response.Headers.Location!.OriginalString);
        }
        using var comment = await client.PostAsync($"/incidents/{console.CrawledIncident}/comment", new FormUrlEncodedContent([]));
        Assert.Equal(HttpStatusCode.Forbidden, comment.StatusCode);
        // Nor may it enrol a second factor before changing the password.
        using var enrol = await client.GetAsync("/account/second-factor");
        Assert.Equal("/account/password", enrol.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task RoleRoutesAndEnrolment_SessionOwingTheSecondFactor_RefusedUntilTheCodeIsGiven()
    {
        // A person with a second factor (enrolled over HTTP once ready) who signs in again with the password alone.
        var name = await console.AddUserAsync(ConsoleRoles.Dpo);
        using (var first = console.NewClient())
        {
            await first.SignInAsync(name, ConsoleFixture.Password);
            var changed = await first.PostFormAsync("/account/password", new() { ["current"] = ConsoleFixture.Password, ["next"] = ConsoleFixture.Password + " 2", ["confirm"] = ConsoleFixture.Password + " 2" });
            Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
            var form = await first.GetTextAsync("/account/second-factor");
            var secret = OtpNet.Base32Encoding.ToBytes(Regex.Match(form, "<code class=\"secret\">([A-Z2-7=]+)</code>").Groups[1].Value);
            var sealedSecret = System.Net.WebUtility.HtmlDecode(Regex.Match(form, "name=\"sealed\" value=\"([^\"]+)\"").Groups[1].Value);
            var enrolled = await first.PostFormAsync("/account/second-factor", new() { ["sealed"] = sealedSecret, ["code"] = SecondFactor.Compute(secret, TimeProvider.System.GetUtcNow()) });
            Assert.True(enrolled.StatusCode == HttpStatusCode.Redirect, enrolled.StatusCode + " " + first.Pages[^1]);
        }
        using var client = console.NewClient();
        var login = await client.SignInAsync(name, ConsoleFixture.Password + " 2");
        Assert.Equal("/login/second-factor", login.Headers.Location?.OriginalString.Split('?')[0]);

        foreach (var path in new[] { "/incidents", $"/incidents/{console.CrawledIncident}/patients.jsonl", "/account/second-factor", "/account/password" })
        {
            using var response = await client.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"GET {path}: {response.StatusCode}");
            Assert.Equal("/login/second-factor", response.Headers.Location!.OriginalString);
        }
        // Enrolling a key of its own choosing is refused, and does not pass the session.
        var own = SecondFactor.NewSecret();
        using var enrol = await client.PostAsync("/account/second-factor", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["sealed"] = "x",
            ["code"] = SecondFactor.Compute(own, TimeProvider.System.GetUtcNow()),
        }));
        Assert.Equal(HttpStatusCode.Forbidden, enrol.StatusCode);
        using var after = await client.GetAsync("/incidents");
        Assert.Equal("/login/second-factor", after.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task IncidentPages_HostileUrlSourceAndEntryName_ShownAsEncodedMaskedText()
    {
        using var analyst = await console.SignedInAsync(ConsoleRoles.Analyst);
        var list = await analyst.GetTextAsync("/incidents");
        var hostile = await analyst.GetTextAsync("/incidents/" + console.HostileIncident);
        var crawled = await analyst.GetTextAsync("/incidents/" + console.CrawledIncident);

        foreach (var page in new[] { list, hostile })
        {
            Assert.DoesNotContain("<script>", page, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("<img", page, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("&lt;script&gt;alert(&#x27;leak&#x27;)&lt;/script&gt;", page, StringComparison.Ordinal);
            Assert.Contains("&lt;script&gt;alert(&#x27;source&#x27;)&lt;/script&gt;", page, StringComparison.Ordinal);
        }
        // The zip's entry name held a patient's name: only its hash shows.
        Assert.Matches("file\\.php\\?id=\\d+!entry-[0-9a-f]{8}", crawled);
        Assert.DoesNotContain("&lt;b&gt;", crawled, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Responses_CarryStrictSecurityHeadersAndCookies()
    {
        using var client = console.NewClient();
        var login = await client.GetAsync("/login");
        var name = await console.AddUserAsync(ConsoleRoles.Analyst);
        var signIn = await client.SignInAsync(name, ConsoleFixture.Password);

        var csp = login.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", login.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", login.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("DENY", login.Headers.GetValues("X-Frame-Options").Single());
        var cookie = signIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("leakwatch-session=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("expires", cookie, StringComparison.OrdinalIgnoreCase);
        var antiforgery = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("leakwatch-antiforgery=", StringComparison.Ordinal));
        Assert.Contains("samesite=strict", antiforgery, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task SignIn_ReturnUrlToAnotherSite_LandsOnTheConsoleInstead()
    {
        var name = await console.AddUserAsync(ConsoleRoles.Dpo);
        using var client = console.NewClient();
        await client.GetAsync("/login?returnUrl=//evil.example/x");
        var signIn = await client.PostFormAsync("/login", new() { ["name"] = name, ["password"] = ConsoleFixture.Password, ["returnUrl"] = "//evil.example/x" }, tokenFrom: "/login");
        var change = await client.PostFormAsync("/account/password", new()
        {
            ["current"] = ConsoleFixture.Password, ["next"] = "another long password", ["confirm"] = "another long password", ["returnUrl"] = "https://evil.example/",
        });

        Assert.Equal("/account/password?returnUrl=%2F", signIn.Headers.Location!.OriginalString);
        Assert.Equal("/", change.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task PagesAuditLogAndDatabase_HoldNoPatientValue()
    {
        using var dpo = await console.SignedInAsync(ConsoleRoles.Dpo);
        var id = console.CrawledIncident;
        await dpo.PostFormAsync($"/incidents/{console.HostileIncident}/confirm", []);
        var pages = new List<string>
        {
            await dpo.GetTextAsync("/incidents"),
            await dpo.GetTextAsync("/incidents/" + id),
            await dpo.GetTextAsync($"/incidents/{console.HostileIncident}/report"),
            await dpo.GetTextAsync($"/incidents/{console.HostileIncident}/report.json"),
            await dpo.GetTextAsync($"/incidents/{console.HostileIncident}/patients.jsonl"),
            await dpo.GetTextAsync("/audit"),
            await dpo.GetTextAsync("/audit.csv"),
        };
        var scanner = new PlaintextScanner(PlaintextScanner.ValuesOf(console.Leaked));
        Assert.True(scanner.Needles > 100);

        Assert.All(pages, page => Assert.Empty(scanner.Find(page)));
        // The database, its WAL included, read while the service runs. Another test clearing SQLite's pools can fold
        // the WAL into the main file and delete it under us: then everything is read again.
        Assert.Empty(await ReadDatabaseAsync(scanner));
        // The JSON lines hold references that `resolve` can read, and nothing else about a person.
        var lines = pages[4].Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.All(lines, l => Assert.Matches("^\\{\"patient\":\"[0-9a-f]{32}\",\"confidence\":\"(high|medium|low)\",\"rules\":\"[^\"]*\",\"incident\":\\d+\\}$", l));
        // ...and `leakwatch resolve` turns them into the patients of the hostile document, on the DPO's workstation.
        console.Cli.StandardInput = pages[4];
        var resolve = await console.Cli.RunAsync("resolve", console.ExportPath);
        console.Cli.StandardInput = null;
        Assert.True(resolve.ExitCode == 0, resolve.ToString());
        Assert.Equal(console.Base.Skip(120).Take(3).Select(p => p.Ipp).Order(StringComparer.Ordinal),
            resolve.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task IncidentList_FiltersByStatusSourceConfidenceAndDate()
    {
        using var dpo = await console.SignedInAsync(ConsoleRoles.Dpo);
        var dismissed = await dpo.PostFormAsync($"/incidents/{console.PostIncident}/dismiss", new() { ["reason"] = "test rows of our own" });
        Assert.Equal(HttpStatusCode.Redirect, dismissed.StatusCode);

        static int Count(string page) => System.Text.RegularExpressions.Regex.Count(page, "<tr><td><a href=\"/incidents/\\d+\">");
        var all = await dpo.GetTextAsync("/incidents");
        var onlyDismissed = await dpo.GetTextAsync("/incidents?status=dismissed");
        var bySource = await dpo.GetTextAsync("/incidents?source=forum-loopback");
        var high = await dpo.GetTextAsync("/incidents?confidence=high&source=forum-loopback");
        var tomorrow = TimeProvider.System.GetUtcNow().AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var future = await dpo.GetTextAsync("/incidents?from=" + tomorrow);
        var detail = await dpo.GetTextAsync("/incidents/" + console.PostIncident);

        Assert.Equal(3, Count(all));
        Assert.Equal(1, Count(onlyDismissed));
        Assert.Contains($"href=\"/incidents/{console.PostIncident}\"", onlyDismissed, StringComparison.Ordinal);
        Assert.Equal(2, Count(bySource));
        Assert.Equal(2, Count(high));
        Assert.Equal(0, Count(future));
        Assert.Contains("test rows of our own", detail, StringComparison.Ordinal);
        // The free-text reason stays in the case, out of the append-only audit log (which only says why in general).
        var auditCsv = await dpo.GetTextAsync("/audit.csv");
        Assert.Contains($"incident/{console.PostIncident},false positive,", auditCsv, StringComparison.Ordinal);
        Assert.DoesNotContain("test rows of our own", auditCsv, StringComparison.Ordinal);
    }

    private async Task<List<string>> ReadDatabaseAsync(PlaintextScanner scanner)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var found = new List<string>();
                foreach (var file in Directory.GetFiles(console.Cli.DataDirectory, "leakwatch.db*").Order(StringComparer.Ordinal))
                {
                    await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                    using var copy = new MemoryStream();
                    await stream.CopyToAsync(copy);
                    found.AddRange(scanner.Find(copy.ToArray()));
                }
                return found;
            }
            catch (FileNotFoundException) when (attempt < 3)
            {
            }
        }
    }

    private IEnumerable<(string Method, string Path, RouteEndpoint Endpoint)> Routes()
    {
        foreach (var endpoint in console.Listener.Routes)
        {
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            var path = "/" + endpoint.RoutePattern.RawText!.TrimStart('/').Replace("{id:long}", console.HostileIncident.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
            foreach (var method in methods) yield return (method, path, endpoint);
        }
    }
}
