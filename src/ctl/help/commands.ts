// etcdctl 3.4.23's command tree as its help shows it: each command's cobra Use
// line (after the parent path), short and long description, and its flags
// with etcdctl's defaults and help strings (pflag's "--name=default" cell).
// `-h, --help` is left out: cobra adds it to every command, and so does the
// renderer. Commands raftkvctl lacks (completion, migrate) are kept, since
// etcdctl's top-level help lists them.

export interface FlagHelp {
  long: string;
  short?: string;
  /** The default as pflag prints it: quoted for string flags ("\"\""), else bare (5s, [], false). */
  def: string;
  /** A flag usable without a value (bool): shown as --name[=default]. */
  opt?: true;
  /** Defined on the command for its subcommands too (cobra's persistent flags). */
  persistent?: true;
  help: string;
}

export interface CommandHelp {
  /** The command's path under the root, words separated by one space ('' for the root). */
  path: string;
  /** The cobra Use line after the command's name. */
  use: string;
  /** false where cobra leaves " [flags]" off the usage line. */
  flagsInUse?: false;
  short: string;
  long?: string;
  flags: readonly FlagHelp[];
}

export const ETCDCTL_COMMANDS: readonly CommandHelp[] = [
  {
    path: '',
    use: '',
    short: 'A simple command line client for etcd3.',
    flags: [
      { long: 'cacert', def: '""', persistent: true, help: 'verify certificates of TLS-enabled secure servers using this CA bundle' },
      { long: 'cert', def: '""', persistent: true, help: 'identify secure client using this TLS certificate file' },
      { long: 'command-timeout', def: '5s', persistent: true, help: 'timeout for short running command (excluding dial timeout)' },
      { long: 'debug', def: 'false', opt: true, persistent: true, help: 'enable client-side debug logging' },
      { long: 'dial-timeout', def: '2s', persistent: true, help: 'dial timeout for client connections' },
      { short: 'd', long: 'discovery-srv', def: '""', persistent: true, help: 'domain name to query for SRV records describing cluster endpoints' },
      { long: 'discovery-srv-name', def: '""', persistent: true, help: 'service name to query when using DNS discovery' },
      { long: 'endpoints', def: '[127.0.0.1:2379]', persistent: true, help: 'gRPC endpoints' },
      { long: 'hex', def: 'false', opt: true, persistent: true, help: 'print byte strings as hex encoded strings' },
      { long: 'insecure-discovery', def: 'true', opt: true, persistent: true, help: 'accept insecure SRV records describing cluster endpoints' },
      { long: 'insecure-skip-tls-verify', def: 'false', opt: true, persistent: true, help: 'skip server certificate verification (CAUTION: this option should be enabled only for testing purposes)' },
      { long: 'insecure-transport', def: 'true', opt: true, persistent: true, help: 'disable transport security for client connections' },
      { long: 'keepalive-time', def: '2s', persistent: true, help: 'keepalive time for client connections' },
      { long: 'keepalive-timeout', def: '6s', persistent: true, help: 'keepalive timeout for client connections' },
      { long: 'key', def: '""', persistent: true, help: 'identify secure client using this TLS key file' },
      { long: 'password', def: '""', persistent: true, help: 'password for authentication (if this option is used, --user option shouldn\'t include password)' },
      { long: 'user', def: '""', persistent: true, help: 'username[:password] for authentication (prompt if password is not supplied)' },
      { short: 'w', long: 'write-out', def: '"simple"', persistent: true, help: 'set the output format (fields, json, protobuf, simple, table)' },
    ],
  },
  {
    path: 'alarm',
    use: '<subcommand>',
    short: 'Alarm related commands',
    flags: [],
  },
  {
    path: 'alarm disarm',
    use: '',
    short: 'Disarms all alarms',
    flags: [],
  },
  {
    path: 'alarm list',
    use: '',
    short: 'Lists all alarms',
    flags: [],
  },
  {
    path: 'auth',
    use: '<enable or disable>',
    short: 'Enable or disable authentication',
    flags: [],
  },
  {
    path: 'auth disable',
    use: '',
    short: 'Disables authentication',
    flags: [],
  },
  {
    path: 'auth enable',
    use: '',
    short: 'Enables authentication',
    flags: [],
  },
  {
    path: 'check',
    use: '<subcommand>',
    short: 'commands for checking properties of the etcd cluster',
    flags: [],
  },
  {
    path: 'check datascale',
    use: '[options]',
    short: 'Check the memory usage of holding data for different workloads on a given server endpoint.',
    long: [
      'If no endpoint is provided, localhost will be used. If multiple endpoints are provided, first endpoint will be used.',
    ].join('\n'),
    flags: [
      { long: 'auto-compact', def: 'false', opt: true, help: 'Compact storage with last revision after test is finished.' },
      { long: 'auto-defrag', def: 'false', opt: true, help: 'Defragment storage after test is finished.' },
      { long: 'load', def: '"s"', help: 'The datascale check\'s workload model. Accepted workloads: s(small), m(medium), l(large), xl(xLarge)' },
      { long: 'prefix', def: '"/etcdctl-check-datascale/"', help: 'The prefix for writing the datascale check\'s keys.' },
    ],
  },
  {
    path: 'check perf',
    use: '[options]',
    short: 'Check the performance of the etcd cluster',
    flags: [
      { long: 'auto-compact', def: 'false', opt: true, help: 'Compact storage with last revision after test is finished.' },
      { long: 'auto-defrag', def: 'false', opt: true, help: 'Defragment storage after test is finished.' },
      { long: 'load', def: '"s"', help: 'The performance check\'s workload model. Accepted workloads: s(small), m(medium), l(large), xl(xLarge)' },
      { long: 'prefix', def: '"/etcdctl-check-perf/"', help: 'The prefix for writing the performance check\'s keys.' },
    ],
  },
  {
    path: 'compaction',
    use: '[options] <revision>',
    short: 'Compacts the event history in etcd',
    flags: [
      { long: 'physical', def: 'false', opt: true, help: '\'true\' to wait for compaction to physically remove all old revisions' },
    ],
  },
  {
    path: 'completion',
    use: '',
    short: 'Generate the autocompletion script for the specified shell',
    long: [
      'Generate the autocompletion script for etcdctl for the specified shell.',
      'See each sub-command\'s help for details on how to use the generated script.',
    ].join('\n'),
    flags: [],
  },
  {
    path: 'completion bash',
    use: '',
    flagsInUse: false,
    short: 'Generate the autocompletion script for bash',
    long: [
      'Generate the autocompletion script for the bash shell.',
      '',
      'This script depends on the \'bash-completion\' package.',
      'If it is not installed already, you can install it via your OS\'s package manager.',
      '',
      'To load completions in your current shell session:',
      '',
      '	source <(etcdctl completion bash)',
      '',
      'To load completions for every new session, execute once:',
      '',
      '#### Linux:',
      '',
      '	etcdctl completion bash > /etc/bash_completion.d/etcdctl',
      '',
      '#### macOS:',
      '',
      '	etcdctl completion bash > $(brew --prefix)/etc/bash_completion.d/etcdctl',
      '',
      'You will need to start a new shell for this setup to take effect.',
    ].join('\n'),
    flags: [
      { long: 'no-descriptions', def: 'false', opt: true, help: 'disable completion descriptions' },
    ],
  },
  {
    path: 'completion fish',
    use: '',
    short: 'Generate the autocompletion script for fish',
    long: [
      'Generate the autocompletion script for the fish shell.',
      '',
      'To load completions in your current shell session:',
      '',
      '	etcdctl completion fish | source',
      '',
      'To load completions for every new session, execute once:',
      '',
      '	etcdctl completion fish > ~/.config/fish/completions/etcdctl.fish',
      '',
      'You will need to start a new shell for this setup to take effect.',
    ].join('\n'),
    flags: [
      { long: 'no-descriptions', def: 'false', opt: true, help: 'disable completion descriptions' },
    ],
  },
  {
    path: 'completion powershell',
    use: '',
    short: 'Generate the autocompletion script for powershell',
    long: [
      'Generate the autocompletion script for powershell.',
      '',
      'To load completions in your current shell session:',
      '',
      '	etcdctl completion powershell | Out-String | Invoke-Expression',
      '',
      'To load completions for every new session, add the output of the above command',
      'to your powershell profile.',
    ].join('\n'),
    flags: [
      { long: 'no-descriptions', def: 'false', opt: true, help: 'disable completion descriptions' },
    ],
  },
  {
    path: 'completion zsh',
    use: '',
    short: 'Generate the autocompletion script for zsh',
    long: [
      'Generate the autocompletion script for the zsh shell.',
      '',
      'If shell completion is not already enabled in your environment you will need',
      'to enable it.  You can execute the following once:',
      '',
      '	echo "autoload -U compinit; compinit" >> ~/.zshrc',
      '',
      'To load completions in your current shell session:',
      '',
      '	source <(etcdctl completion zsh); compdef _etcdctl etcdctl',
      '',
      'To load completions for every new session, execute once:',
      '',
      '#### Linux:',
      '',
      '	etcdctl completion zsh > "${fpath[1]}/_etcdctl"',
      '',
      '#### macOS:',
      '',
      '	etcdctl completion zsh > $(brew --prefix)/share/zsh/site-functions/_etcdctl',
      '',
      'You will need to start a new shell for this setup to take effect.',
    ].join('\n'),
    flags: [
      { long: 'no-descriptions', def: 'false', opt: true, help: 'disable completion descriptions' },
    ],
  },
  {
    path: 'defrag',
    use: '',
    short: 'Defragments the storage of the etcd members with given endpoints',
    flags: [
      { long: 'cluster', def: 'false', opt: true, help: 'use all endpoints from the cluster member list' },
      { long: 'data-dir', def: '""', help: 'Optional. If present, defragments a data directory not in use by etcd.' },
    ],
  },
  {
    path: 'del',
    use: '[options] <key> [range_end]',
    short: 'Removes the specified key or range of keys [key, range_end)',
    flags: [
      { long: 'from-key', def: 'false', opt: true, help: 'delete keys that are greater than or equal to the given key using byte compare' },
      { long: 'prefix', def: 'false', opt: true, help: 'delete keys with matching prefix' },
      { long: 'prev-kv', def: 'false', opt: true, help: 'return deleted key-value pairs' },
    ],
  },
  {
    path: 'elect',
    use: '<election-name> [proposal]',
    short: 'Observes and participates in leader election',
    flags: [
      { short: 'l', long: 'listen', def: 'false', opt: true, help: 'observation mode' },
    ],
  },
  {
    path: 'endpoint',
    use: '<subcommand>',
    short: 'Endpoint related commands',
    flags: [
      { long: 'cluster', def: 'false', opt: true, persistent: true, help: 'use all endpoints from the cluster member list' },
    ],
  },
  {
    path: 'endpoint hashkv',
    use: '',
    short: 'Prints the KV history hash for each endpoint in --endpoints',
    flags: [
      { long: 'rev', def: '0', help: 'maximum revision to hash (default: all revisions)' },
    ],
  },
  {
    path: 'endpoint health',
    use: '',
    short: 'Checks the healthiness of endpoints specified in `--endpoints` flag',
    flags: [],
  },
  {
    path: 'endpoint status',
    use: '',
    short: 'Prints out the status of endpoints specified in `--endpoints` flag',
    long: [
      'When --write-out is set to simple, this command prints out comma-separated status lists for each endpoint.',
      'The items in the lists are endpoint, ID, version, db size, is leader, is learner, raft term, raft index, raft applied index, errors.',
    ].join('\n'),
    flags: [],
  },
  {
    path: 'get',
    use: '[options] <key> [range_end]',
    short: 'Gets the key or a range of keys',
    flags: [
      { long: 'consistency', def: '"l"', help: 'Linearizable(l) or Serializable(s)' },
      { long: 'from-key', def: 'false', opt: true, help: 'Get keys that are greater than or equal to the given key using byte compare' },
      { long: 'keys-only', def: 'false', opt: true, help: 'Get only the keys' },
      { long: 'limit', def: '0', help: 'Maximum number of results' },
      { long: 'order', def: '""', help: 'Order of results; ASCEND or DESCEND (ASCEND by default)' },
      { long: 'prefix', def: 'false', opt: true, help: 'Get keys with matching prefix' },
      { long: 'print-value-only', def: 'false', opt: true, help: 'Only write values when using the "simple" output format' },
      { long: 'rev', def: '0', help: 'Specify the kv revision' },
      { long: 'sort-by', def: '""', help: 'Sort target; CREATE, KEY, MODIFY, VALUE, or VERSION' },
    ],
  },
  {
    path: 'help',
    use: '[command]',
    short: 'Help about any command',
    long: [
      'Help provides help for any command in the application.',
      'Simply type etcdctl help [path to command] for full details.',
    ].join('\n'),
    flags: [],
  },
  {
    path: 'lease',
    use: '<subcommand>',
    short: 'Lease related commands',
    flags: [],
  },
  {
    path: 'lease grant',
    use: '<ttl>',
    short: 'Creates leases',
    flags: [],
  },
  {
    path: 'lease keep-alive',
    use: '[options] <leaseID>',
    short: 'Keeps leases alive (renew)',
    flags: [
      { long: 'once', def: 'false', opt: true, help: 'Resets the keep-alive time to its original value and exits immediately' },
    ],
  },
  {
    path: 'lease list',
    use: '',
    short: 'List all active leases',
    flags: [],
  },
  {
    path: 'lease revoke',
    use: '<leaseID>',
    short: 'Revokes leases',
    flags: [],
  },
  {
    path: 'lease timetolive',
    use: '<leaseID> [options]',
    short: 'Get lease information',
    flags: [
      { long: 'keys', def: 'false', opt: true, help: 'Get keys attached to this lease' },
    ],
  },
  {
    path: 'lock',
    use: '<lockname> [exec-command arg1 arg2 ...]',
    short: 'Acquires a named lock',
    flags: [
      { long: 'ttl', def: '10', help: 'timeout for session' },
    ],
  },
  {
    path: 'make-mirror',
    use: '[options] <destination>',
    short: 'Makes a mirror at the destination etcd cluster',
    flags: [
      { long: 'dest-cacert', def: '""', help: 'Verify certificates of TLS enabled secure servers using this CA bundle' },
      { long: 'dest-cert', def: '""', help: 'Identify secure client using this TLS certificate file for the destination cluster' },
      { long: 'dest-insecure-transport', def: 'true', opt: true, help: 'Disable transport security for client connections' },
      { long: 'dest-key', def: '""', help: 'Identify secure client using this TLS key file' },
      { long: 'dest-prefix', def: '""', help: 'destination prefix to mirror a prefix to a different prefix in the destination cluster' },
      { long: 'no-dest-prefix', def: 'false', opt: true, help: 'mirror key-values to the root of the destination cluster' },
      { long: 'prefix', def: '""', help: 'Key-value prefix to mirror' },
    ],
  },
  {
    path: 'member',
    use: '<subcommand>',
    short: 'Membership related commands',
    flags: [],
  },
  {
    path: 'member add',
    use: '<memberName> [options]',
    short: 'Adds a member into the cluster',
    flags: [
      { long: 'learner', def: 'false', opt: true, help: 'indicates if the new member is raft learner' },
      { long: 'peer-urls', def: '""', help: 'comma separated peer URLs for the new member.' },
    ],
  },
  {
    path: 'member list',
    use: '',
    short: 'Lists all members in the cluster',
    long: [
      'When --write-out is set to simple, this command prints out comma-separated member lists for each endpoint.',
      'The items in the lists are ID, Status, Name, Peer Addrs, Client Addrs, Is Learner.',
    ].join('\n'),
    flags: [],
  },
  {
    path: 'member promote',
    use: '<memberID>',
    short: 'Promotes a non-voting member in the cluster',
    long: [
      'Promotes a non-voting learner member to a voting one in the cluster.',
    ].join('\n'),
    flags: [],
  },
  {
    path: 'member remove',
    use: '<memberID>',
    short: 'Removes a member from the cluster',
    flags: [],
  },
  {
    path: 'member update',
    use: '<memberID> [options]',
    short: 'Updates a member in the cluster',
    flags: [
      { long: 'peer-urls', def: '""', help: 'comma separated peer URLs for the updated member.' },
    ],
  },
  {
    path: 'migrate',
    use: '',
    short: 'Migrates keys in a v2 store to a mvcc store',
    flags: [
      { long: 'data-dir', def: '""', help: 'Path to the data directory' },
      { long: 'no-ttl', def: 'false', opt: true, help: 'Do not convert TTL keys' },
      { long: 'transformer', def: '""', help: 'Path to the user-provided transformer program' },
      { long: 'wal-dir', def: '""', help: 'Path to the WAL directory' },
    ],
  },
  {
    path: 'move-leader',
    use: '<transferee-member-id>',
    short: 'Transfers leadership to another etcd cluster member.',
    flags: [],
  },
  {
    path: 'put',
    use: '[options] <key> <value> (<value> can also be given from stdin)',
    short: 'Puts the given key into the store',
    long: [
      'Puts the given key into the store.',
      '',
      'When <value> begins with \'-\', <value> is interpreted as a flag.',
      'Insert \'--\' for workaround:',
      '',
      '$ put <key> -- <value>',
      '$ put -- <key> <value>',
      '',
      'If <value> isn\'t given as a command line argument and \'--ignore-value\' is not specified,',
      'this command tries to read the value from standard input.',
      '',
      'If <lease> isn\'t given as a command line argument and \'--ignore-lease\' is not specified,',
      'this command tries to read the value from standard input.',
      '',
      'For example,',
      '$ cat file | put <key>',
      'will store the content of the file to <key>.',
    ].join('\n'),
    flags: [
      { long: 'ignore-lease', def: 'false', opt: true, help: 'updates the key using its current lease' },
      { long: 'ignore-value', def: 'false', opt: true, help: 'updates the key using its current value' },
      { long: 'lease', def: '"0"', help: 'lease ID (in hexadecimal) to attach to the key' },
      { long: 'prev-kv', def: 'false', opt: true, help: 'return the previous key-value pair before modification' },
    ],
  },
  {
    path: 'role',
    use: '<subcommand>',
    short: 'Role related commands',
    flags: [],
  },
  {
    path: 'role add',
    use: '<role name>',
    short: 'Adds a new role',
    flags: [],
  },
  {
    path: 'role delete',
    use: '<role name>',
    short: 'Deletes a role',
    flags: [],
  },
  {
    path: 'role get',
    use: '<role name>',
    short: 'Gets detailed information of a role',
    flags: [],
  },
  {
    path: 'role grant-permission',
    use: '[options] <role name> <permission type> <key> [endkey]',
    short: 'Grants a key to a role',
    flags: [
      { long: 'from-key', def: 'false', opt: true, help: 'grant a permission of keys that are greater than or equal to the given key using byte compare' },
      { long: 'prefix', def: 'false', opt: true, help: 'grant a prefix permission' },
    ],
  },
  {
    path: 'role list',
    use: '',
    short: 'Lists all roles',
    flags: [],
  },
  {
    path: 'role revoke-permission',
    use: '<role name> <key> [endkey]',
    short: 'Revokes a key from a role',
    flags: [
      { long: 'from-key', def: 'false', opt: true, help: 'revoke a permission of keys that are greater than or equal to the given key using byte compare' },
      { long: 'prefix', def: 'false', opt: true, help: 'revoke a prefix permission' },
    ],
  },
  {
    path: 'snapshot',
    use: '<subcommand>',
    short: 'Manages etcd node snapshots',
    flags: [],
  },
  {
    path: 'snapshot restore',
    use: '<filename> [options]',
    short: 'Restores an etcd member snapshot to an etcd directory',
    flags: [
      { long: 'data-dir', def: '""', help: 'Path to the data directory' },
      { long: 'initial-advertise-peer-urls', def: '"http://localhost:2380"', help: 'List of this member\'s peer URLs to advertise to the rest of the cluster' },
      { long: 'initial-cluster', def: '"default=http://localhost:2380"', help: 'Initial cluster configuration for restore bootstrap' },
      { long: 'initial-cluster-token', def: '"etcd-cluster"', help: 'Initial cluster token for the etcd cluster during restore bootstrap' },
      { long: 'name', def: '"default"', help: 'Human-readable name for this member' },
      { long: 'skip-hash-check', def: 'false', opt: true, help: 'Ignore snapshot integrity hash value (required if copied from data directory)' },
      { long: 'wal-dir', def: '""', help: 'Path to the WAL directory (use --data-dir if none given)' },
    ],
  },
  {
    path: 'snapshot save',
    use: '<filename>',
    short: 'Stores an etcd node backend snapshot to a given file',
    flags: [],
  },
  {
    path: 'snapshot status',
    use: '<filename>',
    short: 'Gets backend snapshot status of a given file',
    long: [
      'When --write-out is set to simple, this command prints out comma-separated status lists for each endpoint.',
      'The items in the lists are hash, revision, total keys, total size.',
    ].join('\n'),
    flags: [],
  },
  {
    path: 'txn',
    use: '[options]',
    short: 'Txn processes all the requests in one transaction',
    flags: [
      { short: 'i', long: 'interactive', def: 'false', opt: true, help: 'Input transaction in interactive mode' },
    ],
  },
  {
    path: 'user',
    use: '<subcommand>',
    short: 'User related commands',
    flags: [],
  },
  {
    path: 'user add',
    use: '<user name or user:password> [options]',
    short: 'Adds a new user',
    flags: [
      { long: 'interactive', def: 'true', opt: true, help: 'Read password from stdin instead of interactive terminal' },
      { long: 'new-user-password', def: '""', help: 'Supply password from the command line flag' },
      { long: 'no-password', def: 'false', opt: true, help: 'Create a user without password (CN based auth only)' },
    ],
  },
  {
    path: 'user delete',
    use: '<user name>',
    short: 'Deletes a user',
    flags: [],
  },
  {
    path: 'user get',
    use: '<user name> [options]',
    short: 'Gets detailed information of a user',
    flags: [
      { long: 'detail', def: 'false', opt: true, help: 'Show permissions of roles granted to the user' },
    ],
  },
  {
    path: 'user grant-role',
    use: '<user name> <role name>',
    short: 'Grants a role to a user',
    flags: [],
  },
  {
    path: 'user list',
    use: '',
    short: 'Lists all users',
    flags: [],
  },
  {
    path: 'user passwd',
    use: '<user name> [options]',
    short: 'Changes password of user',
    flags: [
      { long: 'interactive', def: 'true', opt: true, help: 'If true, read password from stdin instead of interactive terminal' },
    ],
  },
  {
    path: 'user revoke-role',
    use: '<user name> <role name>',
    short: 'Revokes a role from a user',
    flags: [],
  },
  {
    path: 'version',
    use: '',
    short: 'Prints the version of etcdctl',
    flags: [],
  },
  {
    path: 'watch',
    use: '[options] [key or prefix] [range_end] [--] [exec-command arg1 arg2 ...]',
    short: 'Watches events stream on keys or prefixes',
    flags: [
      { short: 'i', long: 'interactive', def: 'false', opt: true, help: 'Interactive mode' },
      { long: 'prefix', def: 'false', opt: true, help: 'Watch on a prefix if prefix is set' },
      { long: 'prev-kv', def: 'false', opt: true, help: 'get the previous key-value pair before the event happens' },
      { long: 'rev', def: '0', help: 'Revision to start watching' },
    ],
  },
];
