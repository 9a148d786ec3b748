using System.Net;
using System.Text;
using LeakWatch.Service.Crawling;
using LeakWatch.Service.Crawling.Http;
using LeakWatch.Service.Crawling.Sources;
using LeakWatch.Service.Detection;

namespace LeakWatch.Service.Tests.Crawling;

public sealed class AddressPolicyTests
{
    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.0.0.2", "loopback")]
    [InlineData("::1", "loopback")]
    [InlineData("10.1.2.3", "private")]
    [InlineData("172.16.0.1", "private")]
    [InlineData("172.31.255.255", "private")]
    [InlineData("192.168.1.1", "private")]
    [InlineData("169.254.169.254", "link-local")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("fc00::1", "private")]
    [InlineData("fd12:3456::1", "private")]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("::", "unspecified")]
    [InlineData("224.0.0.1", "multicast")]
    [InlineData("ff02::1", "multicast")]
    [InlineData("::ffff:127.0.0.1", "loopback")]
    [InlineData("::ffff:10.0.0.1", "private")]
    [InlineData("100.64.0.1", "private (shared address space)")]
    public void Forbidden_InwardAddress_SaysWhy(string address, string reason) =>
        Assert.Equal(reason, AddressPolicy.Forbidden(IPAddress.Parse(address)));

    [Theory]
    [InlineData("93.184.216.34")]
    [InlineData("172.32.0.1")]
    [InlineData("2606:2800:220:1:248:1893:25c8:1946")]
    [InlineData("8.8.8.8")]
    public void Forbidden_PublicAddress_IsNull(string address) => Assert.Null(AddressPolicy.Forbidden(IPAddress.Parse(address)));

    [Fact]
    public async Task CrawlerConnections_NameResolvingToLoopback_IsRefusedAtConnectTime()
    {
        // The connect callback is the guard that DNS rebinding cannot pass: it checks the addresses it connects to.
        using var connections = new CrawlerConnections();
        using var invoker = connections.Invoker(ConnectionProfile.Default);
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://localhost:9/");
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => invoker.SendAsync(request, CancellationToken.None));
        Assert.IsType<ForbiddenAddressException>(error.InnerException);
        Assert.Contains("loopback", error.InnerException!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ConnectionProfile_PrivateAllowance_IsPerHostAndSeparatesPools()
    {
        var a = ConnectionProfile.Create(null, ["Forum.Local"]);
        Assert.True(a.AllowsPrivate("forum.local"));
        Assert.False(a.AllowsPrivate("other.local"));
        Assert.NotEqual(a, ConnectionProfile.Default);
        Assert.Equal(a, ConnectionProfile.Create(null, ["forum.local"]));
    }
}

public sealed class RobotsRulesTests
{
    private const string Robots = """
        # comment
        User-agent: *
        Disallow: /private
        Allow: /private/ok
        Disallow: /*.zip$

        User-agent: OtherBot
        User-agent: LeakWatch
        Disallow: /forum/ucp.php
        Disallow: /search
        Allow: /search/public
        Disallow: /*?sid=
        """;

    [Theory]
    [InlineData("/forum/viewtopic.php?t=1", true)]
    [InlineData("/forum/ucp.php?mode=login", false)]
    [InlineData("/search", false)]
    [InlineData("/search/public/x", true)]
    [InlineData("/private/x", true)] // our group replaces the * group
    [InlineData("/a/b?sid=123", false)]
    [InlineData("/robots.txt", true)]
    public void IsAllowed_GroupForOurProductToken_LongestMatchWins(string path, bool allowed) =>
        Assert.Equal(allowed, RobotsRules.Parse(Robots, "leakwatch").IsAllowed(path));

    [Theory]
    [InlineData("/private/x", false)]
    [InlineData("/private/ok/1", true)]
    [InlineData("/files/dump.zip", false)]
    [InlineData("/files/dump.zip?x=1", true)]
    [InlineData("/", true)]
    public void IsAllowed_NoGroupForUs_StarGroupApplies(string path, bool allowed) =>
        Assert.Equal(allowed, RobotsRules.Parse(Robots, "SomeoneElse").IsAllowed(path));

    [Fact]
    public void IsAllowed_EqualLengthAllowAndDisallow_Allows() =>
        Assert.True(RobotsRules.Parse("User-agent: *\nDisallow: /page\nAllow: /page\n", "x").IsAllowed("/page"));

    [Fact]
    public void Matches_HostileWildcards_StaysFast()
    {
        var pattern = string.Concat(Enumerable.Repeat("*a", 200)) + "b";
        Assert.False(RobotsRules.Matches(pattern, "/" + new string('a', 5000)));
    }

    [Fact]
    public void ProductToken_FromUserAgent_IsTheNameBeforeTheVersion() =>
        Assert.Equal("LeakWatch", RobotsCache.ProductToken("LeakWatch/1.0 (+leak monitoring)"));
}

public sealed class FetchedDocumentTests
{
    private static readonly Encoding Cp1252 = LeakWatch.Core.Documents.TextDecoding.Windows1252;

    private static string Decode(byte[] bytes, string? charset) => new FetchedDocument(bytes, "text/html", charset).Text;

    [Fact]
    public void Text_Windows1252WithoutAnyDeclaration_IsSniffedAsWindows1252() =>
        Assert.Equal("Hélène – Œuvre €", Decode(Cp1252.GetBytes("Hélène – Œuvre €"), null));

    [Fact]
    public void Text_Utf8WithoutDeclaration_IsUtf8() =>
        Assert.Equal("Hélène – Œuvre €", Decode(Encoding.UTF8.GetBytes("Hélène – Œuvre €"), null));

    [Fact]
    public void Text_MetaCharset_WinsOverSniffing()
    {
        var bytes = Cp1252.GetBytes("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\"></head><body>Søren – x</body></html>");
        Assert.Contains("Søren – x", Decode(bytes, null), StringComparison.Ordinal);
    }

    [Fact]
    public void Text_DeclaredWindows1252_WinsOverValidUtf8()
    {
        // "Ã©" in Windows-1252 is also valid UTF-8 for "é": the declaration decides, not the sniff.
        Assert.Equal("HÃ©lÃ¨ne", Decode(Encoding.UTF8.GetBytes("Hélène"), "windows-1252"));
    }

    [Fact]
    public void Text_HeaderCharset_WinsOverMeta()
    {
        var bytes = Encoding.UTF8.GetBytes("<meta charset=\"windows-1252\">Hélène");
        Assert.EndsWith("Hélène", Decode(bytes, "utf-8"), StringComparison.Ordinal);
    }

    [Fact]
    public void Text_Bom_WinsOverEverything() =>
        Assert.Equal("é", Decode([0xEF, 0xBB, 0xBF, 0xC3, 0xA9], "windows-1252"));

    [Fact]
    public void TextAndContentHash_AskedTwice_AreComputedOnceAndKeyed()
    {
        var document = new FetchedDocument(Encoding.UTF8.GetBytes("<p>x</p>"), "text/html", null);
        var hashes = Tests.Detection.TestHashes.Fresh();
        Assert.Same(document.Text, document.Text);
        Assert.Same(document.ContentHash(hashes), document.ContentHash(hashes));
        Assert.Equal(hashes.Content(document.Body), document.ContentHash(hashes));
        Assert.NotEqual(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(document.Body)), document.ContentHash(hashes));
        Assert.NotEqual(Tests.Detection.TestHashes.Fresh().Content(document.Body), document.ContentHash(hashes)); // another key, another hash
    }
}

public sealed class PageWordsTests
{
    [Fact]
    public void Words_HundredThousandNestedElements_DoesNotOverflowTheStack()
    {
        var html = string.Concat(Enumerable.Repeat("<span>", 100_000)) + "deep";
        Assert.EndsWith("deep", PageWords.Of(CrawledHtml.Parse(html).Body), StringComparison.Ordinal);
    }

    [Fact]
    public void Words_ScriptsAndStyles_AreLeftOut() =>
        Assert.Equal("a b", PageWords.Of(CrawledHtml.Parse("<p>a</p><script>var s;</script><style>p{}</style><div> b </div>").Body));
}

public sealed class UrlCanonicalTests
{
    [Theory]
    [InlineData("http://f.example/viewtopic.php?t=1&sid=0123456789abcdef0123456789abcdef#p5", "http://f.example/viewtopic.php?t=1")]
    [InlineData("http://f.example:80/showthread.php?s=0123456789abcdef0123456789abcdef&t=7", "http://f.example/showthread.php?t=7")]
    [InlineData("https://f.example/index.php?topic=1.0&PHPSESSID=abc", "https://f.example/index.php?topic=1.0")]
    [InlineData("https://f.example/search?s=term", "https://f.example/search?s=term")]
    public void Normalize_SessionTokensAndFragments_AreDropped(string url, string expected) =>
        Assert.Equal(expected, UrlCanonical.Normalize(new Uri(url)));
}

public sealed class ForumPresetsTests
{
    [Fact]
    public void Presets_EverySelector_IsValidCss()
    {
        var validator = new SourcesValidator();
        foreach (var (name, preset) in ForumPresets.All)
        {
            var source = new SourceOptions
            {
                Name = name,
                Kind = "forum",
                Urls = ["https://forum.example/"],
                Selectors = new SelectorOptions
                {
                    ThreadLinks = preset.ThreadLinks, ThreadRows = preset.ThreadRows, Posts = preset.Posts, PostBody = preset.PostBody,
                    PostDate = preset.PostDate, Attachments = preset.Attachments, NextPage = preset.NextPage,
                },
            };
            var result = validator.Validate(null, new SourcesOptions { Sources = [source] });
            Assert.True(result.Succeeded, result.FailureMessage);
        }
    }

    [Fact]
    public void Resolve_SourceOverridesOneSelector_KeepsThePresetForTheOthers()
    {
        var source = new SourceOptions { Preset = "phpbb", Selectors = new SelectorOptions { PostBody = ".my-content" } };
        var resolved = ForumPresets.Resolve(source)!;
        Assert.Equal(".my-content", resolved.PostBody);
        Assert.Equal(ForumPresets.All["phpbb"].ThreadLinks, resolved.ThreadLinks);
    }
}
