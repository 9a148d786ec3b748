namespace LeakWatch.Service.Crawling.Http;

/// <summary>
/// The primary handler of the crawler's HttpClient: hands each request to the connection pool of its profile
/// (proxy, private-address allowance). The pools outlive this handler, which the factory rotates.
/// </summary>
internal sealed class ProfileRoutingHandler(CrawlerConnections connections) : HttpMessageHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var profile = request.Options.TryGetValue(CrawlRequestOptions.Profile, out var p) ? p : ConnectionProfile.Default;
        using var invoker = connections.Invoker(profile);
        return await invoker.SendAsync(request, cancellationToken);
    }
}
