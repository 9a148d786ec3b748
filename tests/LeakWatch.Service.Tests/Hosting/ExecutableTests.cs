using LeakWatch.Core.Fingerprinting;
using LeakWatch.Service.CommandLine;
using LeakWatch.Service.Tests.Enrollment;

namespace LeakWatch.Service.Tests.Hosting;

/// <summary>The built executable, as a person runs it: settings from the environment, references on standard input.</summary>
public sealed class ExecutableTests : IDisposable
{
    private readonly ExecutableHarness _folders = new();

    [Fact]
    public async Task Executable_SettingsFromEnvironment_KeyInitEnrollAndResolveThroughStandardInput()
    {
        var patients = Synthetic.SyntheticPopulation.GenerateArray(40, seed: 31);
        var export = ExportFiles.Write(_folders.Root, patients);

        var init = await RunAsync(null, "key", "init");
        var enroll = await RunAsync(null, "enroll", export);
        Assert.True(SecretKey.TryParse(await File.ReadAllTextAsync(_folders.KeyFile), out var key), init.ToString());
        using var fingerprinter = new FingerprintKeys(key!).CreateFingerprinter();
        var reference = FingerprintRecipe.PatientRef(fingerprinter, patients[3].Ipp).ToHex();
        var resolve = await RunAsync($"{{\"patient\":\"{reference}\"}}\n", "resolve", export);

        Assert.True(init.ExitCode == ExitCodes.Success, init.ToString());
        Assert.True(enroll.ExitCode == ExitCodes.Success, enroll.ToString());
        Assert.Contains("Enrolled 40 patients", enroll.Out, StringComparison.Ordinal);
        Assert.True(File.Exists(_folders.DatabasePath));
        Assert.True(resolve.ExitCode == ExitCodes.Success, resolve.ToString());
        Assert.Equal($"{{\"patient\":\"{reference}\",\"id\":\"{patients[3].Ipp}\"}}", resolve.Out.Trim());
    }

    private Task<CliResult> RunAsync(string? input, params string[] args) => _folders.RunWithInputAsync(input, args);

    public void Dispose() => _folders.Dispose();
}
