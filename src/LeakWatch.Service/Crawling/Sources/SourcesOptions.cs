namespace LeakWatch.Service.Crawling.Sources;

/// <summary>The configured sources: <c>LeakWatch:Sources</c>, an array.</summary>
internal sealed class SourcesOptions
{
    public const string SectionName = "LeakWatch";

    public List<SourceOptions> Sources { get; set; } = [];

    public SourceOptions? Find(string name) =>
        Sources.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
}

/// <summary>The kinds of source, as written in configuration.</summary>
internal static class SourceKinds
{
    public const string Forum = "forum";
    public const string Discourse = "discourse";
    public const string PasteArchive = "paste-archive";
    public const string Gists = "gists";
    public const string Telegram = "telegram";
    public const string Feed = "feed";
    public const string Urls = "urls";

    public static IReadOnlyList<string> All { get; } = [Forum, Discourse, PasteArchive, Gists, Telegram, Feed, Urls];
}
