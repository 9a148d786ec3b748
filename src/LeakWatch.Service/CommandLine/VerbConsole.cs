using System.CommandLine;

namespace LeakWatch.Service.CommandLine;

/// <summary>
/// Where a verb reads and writes: answers from <see cref="In"/>, results to <see cref="Out"/>, messages and progress
/// to <see cref="Error"/>.
/// </summary>
/// <param name="Interactive">A person watches standard error on a terminal: progress may be drawn there.</param>
internal sealed record VerbConsole(TextReader In, TextWriter Out, TextWriter Error, bool Interactive)
{
    /// <param name="input">Standard input; null for the process's own.</param>
    public static VerbConsole From(ParseResult parse, TextReader? input = null)
    {
        var config = parse.InvocationConfiguration;
        var interactive = ReferenceEquals(config.Error, Console.Error) && !Console.IsErrorRedirected;
        return new VerbConsole(input ?? Console.In, config.Output, config.Error, interactive);
    }
}
