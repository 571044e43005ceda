/** The option editor for each field type (geoPoint and bool have none beyond the common ones). */
import type { ComponentType } from 'react';
import { TextOptions } from './TextOptions';
import { NumberOptions } from './NumberOptions';
import { AutodateOptions, DateOptions, DomainOptions, EditorOptions, JsonOptions } from './ContentOptions';
import { RelationOptions, SelectOptions } from './ChoiceOptions';
import { FileOptions } from './FileOptions';
import { VectorOptions } from './VectorOptions';
import type { OptionProps } from './types';

export const OPTION_EDITORS: Record<string, ComponentType<OptionProps>> = {
  text: TextOptions,
  password: TextOptions,
  number: NumberOptions,
  email: DomainOptions,
  url: DomainOptions,
  editor: EditorOptions,
  date: DateOptions,
  autodate: AutodateOptions,
  json: JsonOptions,
  select: SelectOptions,
  relation: RelationOptions,
  file: FileOptions,
  vector: VectorOptions,
};
