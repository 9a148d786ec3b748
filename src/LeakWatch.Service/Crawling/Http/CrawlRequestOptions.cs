namespace LeakWatch.Service.Crawling.Http;

/// <summary>Per-request settings carried from the fetcher down to the handlers (one HttpClient serves every source).</summary>
internal static class CrawlRequestOptions
{
    public static readonly HttpRequestOptionsKey<ConnectionProfile> Profile = new("LeakWatch.Crawl.Profile");
    public static readonly HttpRequestOptionsKey<TimeSpan> Interval = new("LeakWatch.Crawl.Interval");
}
