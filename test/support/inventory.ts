// Lookups over an offline run's resources.
import * as assert from "assert";
import { OfflineResource, OfflineResult } from "../../tools/offline";

export const YANDEX = (name: string) => `yandex:index/${name[0].toLowerCase()}${name.slice(1)}:${name}`;

export function ofType(result: OfflineResult, typeName: string): OfflineResource[] {
    return result.resources.filter((resource) => resource.type === YANDEX(typeName));
}

export function one(result: OfflineResult, typeName: string, name: string): OfflineResource {
    const found = ofType(result, typeName).filter((resource) => resource.name === name);
    assert.strictEqual(found.length, 1, `expected one ${typeName} named ${name}, found ${found.length}`);
    return found[0];
}

export function input<T>(resource: OfflineResource, key: string): T {
    return resource.inputs[key] as T;
}
