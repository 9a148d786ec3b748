namespace LeakWatch.Service.Crawling.Adapters;

/// <summary>Turns one kind of source into documents for the session to scan. One instance serves every source of its kind.</summary>
internal interface ISourceAdapter
{
    string Kind { get; }

    Task RunAsync(CrawlSession session, CancellationToken cancellationToken);
}
