using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace LeakWatch.Service.Crawling.Http;

/// <summary>
/// One GET, politely and safely: address policy before each hop (and again at connect time), robots.txt, the per-host
/// gate and the resilience pipeline (in the HttpClient), redirects followed by hand, conditional requests, a body read
/// up to a limit and within a time. Never throws for what the network does; the result says what went wrong.
/// </summary>
internal sealed class Fetcher(
    IHttpClientFactory clients,
    RobotsCache robots,
    IOptions<CrawlerOptions> options,
    TimeProvider time,
    ILogger<Fetcher> logger)
{
    public const string ClientName = "leakwatch-crawler";

    public Task<FetchResult> GetAsync(Uri url, FetchPolicy policy, CancellationToken cancellationToken, Validators? validators = null, string? accept = null, string? bearerToken = null) =>
        GetAsync(url, policy, validators, accept, bearerToken, policy.ObeyRobots, options.Value.MaxBodyBytes, cancellationToken);

    private async Task<FetchResult> GetAsync(Uri url, FetchPolicy policy, Validators? validators, string? accept, string? bearerToken, bool obeyRobots, long maxBytes, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var current = url;
        for (var hop = 0; hop <= o.MaxRedirects; hop++)
        {
            if (await CheckAsync(url, current, policy, cancellationToken) is { } refused) return refused;
            if (obeyRobots && !await robots.IsAllowedAsync(current, policy, RobotsAsync, cancellationToken))
            {
                return FetchResult.Refuse(url, current, 0, $"{current.GetLeftPart(UriPartial.Path)} is disallowed by robots.txt");
            }
            // A token goes to the host it was given for, never to where a redirect points.
            var token = current.IdnHost == url.IdnHost ? bearerToken : null;
            var result = await SendAsync(url, current, policy, hop == 0 ? validators : null, accept, token, maxBytes, cancellationToken);
            if (result.Outcome != FetchOutcome.Redirect) return result;
            current = result.FinalUrl;
        }
        return FetchResult.Fail(url, current, 0, $"more than {o.MaxRedirects} redirects");

        // robots.txt itself: redirects followed (RFC 9309 asks for at least five), no robots check, 500 KiB at most.
        Task<FetchResult> RobotsAsync(Uri robotsUrl) => GetAsync(robotsUrl, policy, null, "text/plain", null, obeyRobots: false, 500 * 1024, cancellationToken);
    }

    /// <summary>The address policy, before any request: literal addresses and names, resolved here (not through a proxy).</summary>
    private async Task<FetchResult?> CheckAsync(Uri original, Uri current, FetchPolicy policy, CancellationToken cancellationToken)
    {
        if (current.Scheme != Uri.UriSchemeHttp && current.Scheme != Uri.UriSchemeHttps)
        {
            return FetchResult.Refuse(original, current, 0, $"{current.Scheme}: links are not followed (http and https only)");
        }
        var host = current.IdnHost;
        if (policy.AllowsPrivate(host)) return null;
        if (current.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 && IPAddress.TryParse(host.Trim('[', ']'), out var literal))
        {
            return AddressPolicy.Forbidden(literal) is { } reason ? Blocked(original, current, literal, reason) : null;
        }
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
        {
            return Blocked(original, current, IPAddress.Loopback, "loopback");
        }
        // Through a proxy the proxy resolves names (a Tor .onion has no DNS); the connect callback still guards direct use.
        if (policy.UsesProxy) return null;
        try
        {
            var addresses = await Dns.GetHostAddressesAsync(host, cancellationToken);
            foreach (var address in addresses)
            {
                if (AddressPolicy.Forbidden(address) is { } reason) return Blocked(original, current, address, reason);
            }
            return addresses.Length == 0 ? FetchResult.Fail(original, current, 0, $"{host} has no address") : null;
        }
        catch (System.Net.Sockets.SocketException e)
        {
            return FetchResult.Fail(original, current, 0, $"{host} does not resolve ({e.SocketErrorCode})");
        }
    }

    private FetchResult Blocked(Uri original, Uri current, IPAddress address, string reason)
    {
        Log.AddressBlocked(logger, current.IdnHost, reason);
        return FetchResult.Refuse(original, current, 0, $"blocked: {current.IdnHost} is {address} ({reason}), not a public address");
    }

    private async Task<FetchResult> SendAsync(Uri original, Uri current, FetchPolicy policy, Validators? validators, string? accept, string? bearerToken, long maxBytes, CancellationToken cancellationToken)
    {
        var o = options.Value;
        using var request = new HttpRequestMessage(HttpMethod.Get, current);
        request.Headers.TryAddWithoutValidation("User-Agent", o.UserAgent);
        request.Headers.TryAddWithoutValidation("Accept", accept ?? "text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.8");
        request.Headers.TryAddWithoutValidation("Accept-Language", "fr,en;q=0.8");
        if (validators?.ETag is { } etag) request.Headers.TryAddWithoutValidation("If-None-Match", etag);
        if (validators?.LastModified is { } lastModified) request.Headers.TryAddWithoutValidation("If-Modified-Since", lastModified);
        if (bearerToken is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        request.Options.Set(CrawlRequestOptions.Profile, policy.Connection);
        request.Options.Set(CrawlRequestOptions.Interval, policy.Interval);
        request.Options.Set(CrawlRequestOptions.Source, policy.SourceName);
        // One session per run and source on the forum (not a new guest per request); the values are never logged.
        var cookies = policy.Cookies.GetCookieHeader(current);
        if (cookies.Length > 0) request.Headers.TryAddWithoutValidation("Cookie", cookies);

        var client = clients.CreateClient(ClientName);
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && Describe(e) is { } reason)
        {
            return FetchResult.Fail(original, current, 0, reason) with { NotSent = e is BrokenCircuitException, Refused = reason.StartsWith("blocked", StringComparison.Ordinal) };
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
            {
                foreach (var setCookie in setCookies)
                {
                    try
                    {
                        policy.Cookies.SetCookies(current, setCookie);
                    }
                    catch (System.Net.CookieException)
                    {
                        // A malformed cookie is the site's problem; the run goes on without it.
                    }
                }
            }
            if (status is >= 300 and < 400 && status != 304)
            {
                var location = response.Headers.Location;
                if (location is null) return FetchResult.Fail(original, current, status, $"HTTP {status} without Location");
                return FetchResult.Fail(original, new Uri(current, location), status, $"HTTP {status}") with { Outcome = FetchOutcome.Redirect };
            }
            if (status == 304)
            {
                return new FetchResult(original, current, FetchOutcome.NotModified, status, [], null, null, validators?.ETag, validators?.LastModified, null);
            }
            if (response.Headers.TryGetValues("cf-mitigated", out var mitigated) && mitigated.Any(v => v.Contains("challenge", StringComparison.OrdinalIgnoreCase)))
            {
                return FetchResult.Fail(original, current, status, "Cloudflare challenge (cf-mitigated: challenge) instead of the page");
            }
            if (!response.IsSuccessStatusCode)
            {
                var why = $"HTTP {status} {response.ReasonPhrase}".TrimEnd();
                // Denied or gone is an answer: asking again next run will not change it.
                return status is 401 or 403 or 404 or 410
                    ? FetchResult.Refuse(original, current, status, why)
                    : FetchResult.Fail(original, current, status, why);
            }

            var (body, truncated, error) = await ReadBodyAsync(response.Content, maxBytes, cancellationToken);
            if (error is not null) return FetchResult.Fail(original, current, status, error);
            var contentType = response.Content.Headers.ContentType;
            var result = new FetchResult(original, current, FetchOutcome.Ok, status, body, contentType?.MediaType, contentType?.CharSet,
                response.Headers.ETag?.ToString(), response.Content.Headers.LastModified?.ToString("R"), null, truncated);
            if (truncated is not null)
            {
                var at = current.GetLeftPart(UriPartial.Path);
                Log.BodyTruncated(logger, policy.SourceName, at, maxBytes);
            }
            // The same content as last time (a server that sends no validators) is found by the crawl session, which
            // holds the content hash's key.
            return ChallengePages.Reason(result) is { } challenge ? FetchResult.Fail(original, current, status, challenge) : result;
        }
    }

    /// <summary>The body up to the limit and within the body timeout; what was cut, and why, is said (no content).</summary>
    private async Task<(byte[] Body, string? Truncated, string? Error)> ReadBodyAsync(HttpContent content, long maxBytes, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(options.Value.BodyTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var declared = content.Headers.ContentLength;
        // Never trust a declared length for the allocation beyond the limit; the body is read up to it either way.
        using var buffer = new MemoryStream(declared is > 0 && declared <= maxBytes && declared < int.MaxValue ? (int)declared.Value : 64 * 1024);
        var chunk = new byte[81920];
        try
        {
            await using var stream = await content.ReadAsStreamAsync(linked.Token);
            while (true)
            {
                var room = (int)Math.Min(chunk.Length, maxBytes - buffer.Length);
                if (room == 0)
                {
                    // One byte more says whether the limit cut anything.
                    var probe = await stream.ReadAsync(chunk.AsMemory(0, 1), linked.Token);
                    return (Bytes(buffer), probe > 0 ? $"body cut at {maxBytes} bytes (the limit)" : null, null);
                }
                var read = await stream.ReadAsync(chunk.AsMemory(0, room), linked.Token);
                if (read == 0) return (Bytes(buffer), null, null);
                buffer.Write(chunk, 0, read);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // A slow body is cut where the time ran out: what arrived is scanned, and the URL remembered like a cut one.
            return buffer.Length > 0
                ? (buffer.ToArray(), $"body cut after {options.Value.BodyTimeout} (too slow)", null)
                : ([], null, $"body not read within {options.Value.BodyTimeout}");
        }
        catch (Exception e) when (e is HttpRequestException or IOException or InvalidDataException)
        {
            return ([], null, $"body could not be read: {e.GetType().Name}");
        }
    }

    // When the declared length was right, the buffer is exactly the body: no copy.
    private static byte[] Bytes(MemoryStream buffer) =>
        buffer.Capacity == buffer.Length && buffer.TryGetBuffer(out var segment) && segment.Offset == 0 && segment.Array!.Length == buffer.Length
            ? segment.Array
            : buffer.ToArray();

    /// <summary>A reason for a failed send, without content; null for what is a bug (rethrown).</summary>
    private static string? Describe(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is ForbiddenAddressException forbidden) return "blocked at connect: " + forbidden.Message;
        }
        return e switch
        {
            TimeoutRejectedException t => $"timed out after {t.Timeout}",
            BrokenCircuitException => "circuit open: the host failed repeatedly, requests paused",
            HttpRequestException h => $"network error ({h.HttpRequestError})",
            OperationCanceledException => "timed out",
            _ => null,
        };
    }
}
