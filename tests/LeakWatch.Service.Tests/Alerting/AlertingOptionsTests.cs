using LeakWatch.Service.Alerting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Quartz;

namespace LeakWatch.Service.Tests.Alerting;

public sealed class AlertingOptionsTests : IDisposable
{
    private readonly AlertingFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    private IReadOnlyList<string> Failures()
    {
        var services = _fixture.StartService();
        var ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<AlertingOptions>>().Value);
        return [.. ex.Failures];
    }

    [Fact]
    public void AlertingOptions_EmailChannelIncomplete_NamesEachSetting()
    {
        _fixture.AddChannel("mail", "email", ("SmtpHost", "smtp.lab.test"), ("SmtpSecurity", "none"), ("Username", "alerts"));

        var failures = Failures();

        Assert.Contains("LeakWatch:Alerting:Channels:0:SmtpSecurity none is only allowed for a loopback SmtpHost; use starttls or sslonconnect.", failures);
        Assert.Contains("LeakWatch:Alerting:Channels:0:From must be an email address.", failures);
        Assert.Contains("LeakWatch:Alerting:Channels:0:To must list at least one address.", failures);
        Assert.Contains("LeakWatch:Alerting:Channels:0:Username is set: give the password with PasswordFile or PasswordEnvironmentVariable.", failures);
    }

    [Fact]
    public void AlertingOptions_WebhookProblems_NameEachSetting()
    {
        _fixture.AddChannel("hook", "webhook", ("Url", "http://hooks.lab.test/in"));
        _fixture.AddChannel("hook", "slack", ("Url", "https://hooks.slack.test/x"), ("SecretEnvironmentVariable", "LEAKWATCH_TEST_UNSET_VARIABLE"));
        _fixture.AddChannel("teams", "teams", ("Url", "https://teams.test/x"), ("UrlFile", Path.Combine(_fixture.DataDirectory, "missing.url")));
        _fixture.AddChannel("", "email");
        _fixture.Settings.Remove("LeakWatch:Alerting:Channels:3:Kind");

        var failures = Failures();

        Assert.Contains("LeakWatch:Alerting:Channels:0:Url must use https (plain http is allowed for loopback receivers only).", failures);
        Assert.Contains("LeakWatch:Alerting:Channels:0:SecretFile or SecretEnvironmentVariable is required: generic webhooks are signed.", failures);
        Assert.Contains("LeakWatch:Alerting:Channels:1:Name 'hook' is used by another channel; names must be unique.", failures);
        Assert.Contains("LeakWatch:Alerting:Channels:1:SecretEnvironmentVariable: the environment variable 'LEAKWATCH_TEST_UNSET_VARIABLE' is not set.", failures);
        Assert.Contains("LeakWatch:Alerting:Channels:1:SecretFile and SecretEnvironmentVariable apply to generic webhooks only; Slack does not check signatures.", failures);
        Assert.Contains(failures, f => f.StartsWith("LeakWatch:Alerting:Channels:2:UrlFile: the file ", StringComparison.Ordinal));
        Assert.Contains("LeakWatch:Alerting:Channels:2: set only one of Url, UrlFile.", failures);
        Assert.Contains("LeakWatch:Alerting:Channels:3:Name is required.", failures);
        Assert.Contains("LeakWatch:Alerting:Channels:3:Kind is required: email, webhook, slack or teams.", failures);
    }

    [Theory]
    [InlineData("Kind", "pager", "LeakWatch:Alerting:Channels:0:Kind: 'pager' is not one of email, webhook, slack, teams.")]
    [InlineData("MinPatients", "five", "LeakWatch:Alerting:Channels:0:MinPatients: 'five' is not a valid number.")]
    [InlineData("MinConfidence", "certain", "LeakWatch:Alerting:Channels:0:MinConfidence: 'certain' is not one of low, medium, high.")]
    [InlineData("Digest", "weekly", "LeakWatch:Alerting:Channels:0:Digest: 'weekly' is not one of none, hourly, daily.")]
    public void AlertingOptions_ChannelValueTheBinderCannotConvert_NamesTheSetting(string setting, string value, string expected)
    {
        // Without ErrorOnUnknownConfiguration the binder would drop the whole channel without a word.
        _fixture.AddChannel("pager", "webhook", (setting, value));

        Assert.Equal([expected], Failures());
    }

    [Fact]
    public void AlertingOptions_SecretUrlInvalid_DoesNotEchoIt()
    {
        var file = _fixture.WriteSecretFile("teams.url", "not a url but a secret-looking token xyz123");
        _fixture.AddChannel("teams", "teams", ("UrlFile", file));

        var failures = Failures();

        Assert.Equal(["LeakWatch:Alerting:Channels:0:Url must be an absolute https URL."], failures);
    }

    [Fact]
    public void AlertingOptions_PasswordWrittenInConfiguration_IsRefusedWithoutEchoingIt()
    {
        _fixture.AddChannel("mail", "email", ("SmtpHost", "127.0.0.1"), ("SmtpSecurity", "none"), ("From", "a@lab.test"), ("To:0", "b@lab.test"), ("Password", "hunter2"));
        _fixture.Settings["LeakWatch:Alerting:Channels:0:MinPatient"] = "5";

        var failures = Failures();

        Assert.Equal(
        [
            "LeakWatch:Alerting:Channels:0:MinPatient is not a setting (check its spelling and its section).",
            "LeakWatch:Alerting:Channels:0:Password is not a setting: secrets are never written in the configuration; name a file or an environment variable (PasswordFile, PasswordEnvironmentVariable, SecretFile, SecretEnvironmentVariable).",
        ], failures);
        Assert.DoesNotContain(failures, f => f.Contains("hunter2", StringComparison.Ordinal));
    }

    [Fact]
    public void AlertingOptions_UnknownSettingOfTheSection_IsNamed()
    {
        _fixture.Settings["LeakWatch:Alerting:ConsoleUrl"] = "https://x.test";

        Assert.Equal(["LeakWatch:Alerting:ConsoleUrl is not a setting (check its spelling and its section)."], Failures());
    }

    [Fact]
    public void AlertingOptions_ValidChannels_BindKindsThresholdsAndDigest()
    {
        Environment.SetEnvironmentVariable("LEAKWATCH_TEST_HOOK_SECRET", "s");
        _fixture.AddChannel("hook", "Webhook", ("Url", "https://siem.lab.test/in"), ("SecretEnvironmentVariable", "LEAKWATCH_TEST_HOOK_SECRET"),
            ("MinConfidence", "medium"), ("MinPatients", "5"), ("Digest", "daily"));
        _fixture.AddChannel("mail", "email", ("SmtpHost", "smtp.lab.test"), ("From", "LeakWatch <leakwatch@lab.test>"), ("To:0", "soc@lab.test"));

        var options = _fixture.StartService().GetRequiredService<IOptions<AlertingOptions>>().Value;

        Assert.Equal((ChannelKind.Webhook, Core.Matching.Confidence.Medium, 5, DigestMode.Daily), (options.Channels[0].Kind, options.Channels[0].MinConfidence, options.Channels[0].MinPatients, options.Channels[0].Digest));
        Assert.Equal((ChannelKind.Email, 587, SmtpSecurity.StartTls), (options.Channels[1].Kind, options.Channels[1].SmtpPort, options.Channels[1].SmtpSecurity));
        Assert.Equal("http://127.0.0.1:5080", new AlertingOptions().ConsoleBaseUrl);
    }

    [Fact]
    public async Task AddAlerting_QuartzJob_IsScheduledAndNeverConcurrent()
    {
        _fixture.Settings["LeakWatch:Alerting:DeliveryInterval"] = "00:00:45";
        var services = _fixture.StartService();

        var scheduler = await services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        var job = await scheduler.GetJobDetail(new JobKey(AlertDeliveryJob.Name));
        var trigger = Assert.Single(await scheduler.GetTriggersOfJob(new JobKey(AlertDeliveryJob.Name)));

        Assert.NotNull(job);
        Assert.True(job.ConcurrentExecutionDisallowed);
        Assert.Equal(typeof(AlertDeliveryJob), job.JobType.Type);
        Assert.Equal(TimeSpan.FromSeconds(45), Assert.IsAssignableFrom<ISimpleTrigger>(trigger).RepeatInterval);
    }
}
