/** `plugin ls` rows as docker's pluginContext presents them: short ids, descriptions cut to 45 columns. */
import type { Plugin } from '@gantry/engine';
import { GO_TYPE } from '../output/go-json.ts';
import { ellipsis, truncateId } from '../output/units.ts';

export const PLUGIN_TABLE = 'table {{.ID}}\t{{.Name}}\t{{.Description}}\t{{.Enabled}}';
export const PLUGIN_HEADERS = {
  ID: 'ID',
  Name: 'NAME',
  Description: 'DESCRIPTION',
  Enabled: 'ENABLED',
  PluginReference: 'PLUGIN REFERENCE',
} as const;

export function pluginRow(plugin: Plugin, trunc: boolean) {
  const description = (plugin.Config?.Description ?? '').replaceAll('\n', '');
  return {
    [GO_TYPE]: '*plugin.pluginContext',
    ID: () => (trunc ? truncateId(plugin.Id ?? '') : (plugin.Id ?? '')),
    Name: () => plugin.Name,
    Description: () => (trunc ? ellipsis(description, 45) : description),
    Enabled: () => plugin.Enabled,
    PluginReference: () => plugin.PluginReference ?? '',
  };
}
