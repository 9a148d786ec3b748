namespace LeakWatch.Service.Crawling.Http;

/// <summary>Per-request settings carried from the fetcher down to the handlers (one HttpClient serves every source).</summary>
internal static class CrawlRequestOptions
{
    public static readonly HttpRequestOptionsKey<ConnectionProfile> Profile = new("LeakWatch.Crawl.Profile");
    /// <summary>The source asking: each source has its own circuit per host (one source's failures do not stop another).</summary>
    public static readonly HttpRequestOptionsKey<string> Source = new("LeakWatch.Crawl.Source");
    public static readonly HttpRequestOptionsKey<TimeSpan> Interval = new("LeakWatch.Crawl.Interval");
}
