using System.Net;
using System.Text.RegularExpressions;

namespace LeakWatch.Service.Tests.Crawling.RealForums;

/// <summary>
/// Posts a reply the way a person does: logs in as the forum's admin through its login form and submits its reply form
/// with the hidden fields the forum put there (form tokens, post keys), on one cookie session.
/// </summary>
public sealed partial class ForumPoster : IDisposable
{
    private readonly HttpClient _client;
    private readonly Uri _base;

    public ForumPoster(Uri baseUrl)
    {
        _base = baseUrl;
        _client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), UseCookies = true }) { Timeout = TimeSpan.FromMinutes(1) };
    }

    public async Task ReplyPhpbbAsync(int topic, string message)
    {
        var login = await FormAsync("ucp.php?mode=login", "login");
        // phpBB refuses a form posted within the second it was served (its anti-bot form age), and treats a reply
        // posted less than two seconds after the form was shown as a preview: wait as a person would.
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        await PostAsync("ucp.php?mode=login", login, ("username", "admin"), ("password", "AdminPass123"), ("login", "Login"));
        var reply = await FormAsync($"posting.php?mode=reply&t={topic}", "postform");
        await Task.Delay(TimeSpan.FromSeconds(2.2));
        var answer = await PostAsync($"posting.php?mode=reply&t={topic}", reply, ("subject", "Re: suite"), ("message", message), ("post", "Submit"));
        if (!answer.Contains("This message has been posted successfully", StringComparison.Ordinal) && !answer.Contains("viewtopic.php", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("phpBB did not take the reply");
        }
    }

    public async Task ReplyMybbAsync(int thread, string message)
    {
        var page = await _client.GetStringAsync(new Uri(_base, "member.php?action=login"));
        var key = PostKey().Match(page).Groups[1].Value;
        var loggedIn = await PostAsync("member.php", [], ("action", "do_login"), ("url", ""), ("username", "admin"), ("password", "AdminPass123"), ("my_post_key", key));
        if (!loggedIn.Contains("logged in", StringComparison.OrdinalIgnoreCase)) throw new InvalidOperationException("MyBB login failed");
        var reply = await FormAsync($"newreply.php?tid={thread}", null);
        var answer = await PostAsync($"newreply.php?tid={thread}", reply, ("subject", "RE: suite"), ("message", message), ("submit", "Post Reply"));
        if (answer.Contains("The following errors were encountered", StringComparison.Ordinal)) throw new InvalidOperationException("MyBB did not take the reply");
    }

    /// <summary>The hidden fields of a form (by id, or the one posting to the same script).</summary>
    private async Task<List<(string Name, string Value)>> FormAsync(string path, string? formId)
    {
        var page = await _client.GetStringAsync(new Uri(_base, path));
        var start = formId is null ? page.IndexOf("<form action=\"" + path.Split('?')[0], StringComparison.Ordinal) : page.IndexOf($"id=\"{formId}\"", StringComparison.Ordinal);
        if (start < 0) throw new InvalidOperationException($"no form on {path} (not logged in?)");
        var end = page.IndexOf("</form>", start, StringComparison.Ordinal);
        return [.. Hidden().Matches(page[start..end]).Select(m => (WebUtility.HtmlDecode(m.Groups[1].Value), WebUtility.HtmlDecode(m.Groups[2].Value)))];
    }

    private async Task<string> PostAsync(string path, List<(string Name, string Value)> hidden, params (string Name, string Value)[] fields)
    {
        var values = hidden.Where(h => fields.All(f => f.Name != h.Name)).Concat(fields).Select(p => new KeyValuePair<string, string>(p.Name, p.Value));
        using var content = new FormUrlEncodedContent(values);
        using var response = await _client.PostAsync(new Uri(_base, path), content);
        return await response.Content.ReadAsStringAsync();
    }

    public void Dispose() => _client.Dispose();

    [GeneratedRegex("""<input type="hidden" name="([^"]+)" value="([^"]*)"[^>]*>""")]
    private static partial Regex Hidden();

    [GeneratedRegex("""my_post_key = "([0-9a-f]+)";""")]
    private static partial Regex PostKey();
}
