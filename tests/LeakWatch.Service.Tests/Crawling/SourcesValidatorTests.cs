using LeakWatch.Service.Crawling.Sources;

namespace LeakWatch.Service.Tests.Crawling;

public sealed class SourcesValidatorTests
{
    private static SourceOptions Valid(string name = "forum") => new()
    {
        Name = name,
        Kind = "forum",
        Preset = "phpbb",
        Urls = ["https://forum.example/viewforum.php?f=2"],
        Schedule = "0 */30 * * * ?",
    };

    private static string[] Errors(params SourceOptions[] sources)
    {
        var result = new SourcesValidator().Validate(null, new SourcesOptions { Sources = [.. sources] });
        return result.Failed ? [.. result.Failures!] : [];
    }

    [Fact]
    public void Validate_GoodSource_Passes() => Assert.Empty(Errors(Valid()));

    [Fact]
    public void Validate_DuplicateNames_NamesTheSetting() =>
        Assert.Contains(Errors(Valid("a"), Valid("A")), e => e.StartsWith("LeakWatch:Sources:1:Name 'A' is used by another source", StringComparison.Ordinal));

    [Fact]
    public void Validate_BadCron_NamesTheSetting()
    {
        var source = Valid();
        source.Schedule = "every hour";
        Assert.Contains(Errors(source), e => e.StartsWith("LeakWatch:Sources:0:Schedule 'every hour' is not a valid Quartz cron expression", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_BadUrlUnknownPresetAndKind_NamesEachSetting()
    {
        var forum = Valid();
        forum.Urls = ["ftp://forum.example/", "not a url"];
        forum.Preset = "invision";
        var other = Valid("other");
        other.Kind = "irc";
        var errors = Errors(forum, other);
        Assert.Contains(errors, e => e.StartsWith("LeakWatch:Sources:0:Urls:0 'ftp://forum.example/' is not an absolute http or https URL", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("LeakWatch:Sources:0:Urls:1", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("LeakWatch:Sources:0:Preset 'invision' is not a known preset", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("LeakWatch:Sources:1:Kind 'irc' is not one of", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_BadSelectorProxyRobotsAndLimits_NamesEachSetting()
    {
        var source = Valid();
        source.Selectors.Posts = "div[[";
        source.Proxy = "ftp://127.0.0.1:9050";
        source.Robots = "sometimes";
        source.MaxPages = 0;
        source.RequestInterval = TimeSpan.FromSeconds(-1);
        var errors = Errors(source);
        Assert.Contains(errors, e => e.StartsWith("LeakWatch:Sources:0:Selectors:Posts 'div[[' is not a valid CSS selector", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("LeakWatch:Sources:0:Proxy", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("LeakWatch:Sources:0:Robots", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("LeakWatch:Sources:0:MaxPages", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("LeakWatch:Sources:0:RequestInterval", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_Socks5ProxyForTor_Passes()
    {
        var source = Valid();
        source.Urls = ["http://leaksxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.onion/"];
        source.Proxy = "socks5://127.0.0.1:9050";
        Assert.Empty(Errors(source));
    }

    [Fact]
    public void Validate_ForumWithoutPresetOrSelectors_SaysWhatIsMissing()
    {
        var source = Valid();
        source.Preset = null;
        Assert.Contains(Errors(source), e => e.StartsWith("LeakWatch:Sources:0:Preset is missing", StringComparison.Ordinal));
    }
}
