using System.Diagnostics;
using LeakWatch.Core.Fingerprinting;
using LeakWatch.Service.Hosting;
using LeakWatch.Service.Tests.Enrollment;

namespace LeakWatch.Service.Tests.Hosting;

/// <summary>The built executable, as a person runs it: settings from the environment, references on standard input.</summary>
public sealed class ExecutableTests : IDisposable
{
    private readonly CliHarness _folders = new();

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

    private async Task<CliResult> RunAsync(string? input, params string[] args)
    {
        var executable = Path.Combine(AppContext.BaseDirectory, "leakwatch.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _folders.Root,
        };
        start.ArgumentList.Add(executable);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["LeakWatch__DataDirectory"] = _folders.DataDirectory;
        start.Environment["LeakWatch__KeyFile"] = _folders.KeyFile;
        start.Environment.Remove("LEAKWATCH_KEY");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (input is not null) await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new CliResult(process.ExitCode, await output, await error, []);
    }

    public void Dispose() => _folders.Dispose();
}
