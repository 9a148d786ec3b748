using LeakWatch.Service.Configuration;
using LeakWatch.Service.Hosting;
using LeakWatch.Service.Tests.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LeakWatch.Service.Tests.Configuration;

public sealed class StrictOptionsTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    internal sealed class ShopOptions
    {
        public string? Name { get; set; }
        public ShelfOptions Shelf { get; set; } = new();
        public CounterOptions Counter { get; set; } = new();
        public Dictionary<string, ShelfOptions> Aisles { get; set; } = [];
    }

    internal sealed class ShelfOptions
    {
        public int Height { get; set; }
    }

    internal sealed class CounterOptions
    {
        public string? Name { get; set; }
        public int Tills { get; set; }
    }

    internal sealed class NeighbourOptions
    {
        public string? Street { get; set; }
    }

    private static Exception? Bind(params (string Key, string Value)[] settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings.ToDictionary(s => s.Key, s => (string?)s.Value)).Build());
        services.AddStrictOptions<ShopOptions>("Shop");
        services.AddStrictOptions<NeighbourOptions>("Shop");
        services.AddStrictOptions<ShelfOptions>("Shop:Storeroom");
        using var provider = services.BuildServiceProvider();
        return Record.Exception(() => provider.GetRequiredService<IStartupValidator>().Validate());
    }

    private static IEnumerable<string> Failures(Exception? exception) => exception switch
    {
        OptionsValidationException e => e.Failures,
        AggregateException e => e.InnerExceptions.OfType<OptionsValidationException>().SelectMany(i => i.Failures),
        _ => throw new Xunit.Sdk.XunitException("expected a refused configuration, got " + (exception?.ToString() ?? "none")),
    };

    [Fact]
    public void StrictOptions_KeysOfADictionary_AreDataNotSettings()
    {
        Assert.Null(Bind(("Shop:Aisles:any-name-at-all:Height", "2"), ("Shop:Aisles:Another one:Height", "3")));
    }

    [Fact]
    public void StrictOptions_UnknownKeyInsideADictionaryEntry_IsNamedInFull()
    {
        Assert.Equal(["Shop:Aisles:dairy:Heigth is not a setting (check its spelling and its section)."], Failures(Bind(("Shop:Aisles:dairy:Heigth", "2"))));
    }

    [Fact]
    public void StrictOptions_SectionSharedWithAnotherClassAndASectionBelow_RefusesOnlyKeysNobodyOwns()
    {
        Assert.Null(Bind(("Shop:Name", "a"), ("Shop:Street", "b"), ("Shop:Storeroom:Height", "1")));
        Assert.Equal(["Shop:Stret is not a setting (check its spelling and its section)."], Failures(Bind(("Shop:Name", "a"), ("Shop:Stret", "b"))).Distinct());
    }

    [Fact]
    public void StrictOptions_WordThatIsASettingElsewhere_IsNamedOnlyWhereItIsWrong()
    {
        // Name is a setting of the shop and of the counter, not of the shelf.
        var failures = Failures(Bind(("Shop:Name", "a"), ("Shop:Counter:Name", "b"), ("Shop:Shelf:Name", "c"), ("Shop:Shelf:Height", "1")));

        Assert.Equal(["Shop:Shelf:Name is not a setting (check its spelling and its section)."], failures);
    }

    [Fact]
    public void StrictOptions_ValueThatIsNotANumber_IsNamedWithItsSetting()
    {
        Assert.Equal(["Shop:Counter:Tills: 'many' is not a valid number."], Failures(Bind(("Shop:Counter:Tills", "many"))));
    }

    [Theory]
    [InlineData("LeakWatch:DataDirectoy")]
    [InlineData("LeakWatch:Crawler:MaxRetrys")]
    [InlineData("LeakWatch:Console:Url")]
    [InlineData("LeakWatch:Alerting:DeliveryIntervall")]
    [InlineData("LeakWatch:Sources:0:Shedule")]
    [InlineData("LeakWatch:Operations:Retention:Incident")]
    public async Task Verb_MisspeltSetting_ExitsWithBadConfigurationNamingIt(string setting)
    {
        var result = await _cli.RunAsync("key", "id", $"--{setting}=1");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"leakwatch: bad configuration: {setting} is not a setting", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verb_MisspeltSettingsInSeveralSections_NamesEveryOne()
    {
        var result = await _cli.RunAsync("key", "id", "--LeakWatch:KeyFil=k", "--LeakWatch:Detection:MinConfidense=high");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("LeakWatch:KeyFil is not a setting", result.Error, StringComparison.Ordinal);
        Assert.Contains("LeakWatch:Detection:MinConfidense is not a setting", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_MisspeltSetting_StopsTheServiceBeforeItStarts()
    {
        _cli.Services = s => s.AddHostedService<StopWhenStarted>();

        var result = await _cli.RunAsync("run", "--LeakWatch:Enrollment:MaxRowz=10");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("LeakWatch:Enrollment:MaxRowz is not a setting", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(result.Logs, l => l.Message.StartsWith("LeakWatch starting", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Doctor_MisspeltSetting_IsAFailingRowNamingIt()
    {
        var result = await _cli.RunAsync("doctor", "--LeakWatch:Console:Enabeld=false");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("FAIL    LeakWatch:Console:Enabeld is not a setting", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void AddLeakWatch_EveryOptionsClass_IsBoundStrictly()
    {
        var services = new ServiceCollection().AddLeakWatch();
        var strict = services.Select(d => d.ImplementationInstance).OfType<OptionsSection>().Select(s => s.OptionsType).ToHashSet();
        var optionsClasses = typeof(LeakWatchHost).Assembly.GetTypes()
            .Where(t => t.GetField("SectionName") is { IsLiteral: true } && t.Name.EndsWith("Options", StringComparison.Ordinal));

        Assert.All(optionsClasses, t => Assert.Contains(t, strict));
        Assert.NotEmpty(strict);
    }
}
