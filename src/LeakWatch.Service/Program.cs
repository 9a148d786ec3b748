using LeakWatch.Service.Hosting;

// `leakwatch [verb] [options] [--LeakWatch:Setting=value ...]`: every verb reads the same configuration.
return await LeakWatchCommandLine.InvokeAsync(args);
